/**
 * npx tsx bench/projection/run.ts [-- --rounds 3] [--seconds 8] [--sizes 480x270,960x540] [--piece prism-field] [--mode full|mask|pin|gain|pattern]
 *
 * The output stage's cost (docs/projection.md, docs/performance.md): one screen (canopy-1) in its own
 * Chromium, a bundled piece playing, frames per second counted in the stage frame (requestAnimationFrame,
 * where the piece and the output pass run) with the stage as the identity and with an active warp
 * (corner-pin, a 5×5 mesh, soft edges on both sides, black lift), alternating A/B so that the shared
 * machine's load drifts into both alike. Serves the built client (dist/client, or PAVILION_STATIC_DIR).
 */
import os from 'node:os';
import { arg } from '../lib/args';
import { sleep } from '../lib/child';
import { activeCommand, identity, loadavg as load, mean, openScreen, SCREEN, startApp, command } from './setup';

const ROUNDS = arg('rounds', 3);
const SECONDS = arg('seconds', 8);
const SIZES = String(arg('sizes', '480x270,960x540')).split(',').map((s) => s.split('x').map(Number) as [number, number]);
const PIECE = String(arg('piece', 'prism-field'));
const MODE = String(arg('mode', 'full')); // full: pin + grid + blend + black; mask: full and a mask; pin: corners only; gain: a colour gain only; pattern: a test pattern (the pass without the copy)

const app = await startApp();
const rows: Array<{ size: string; identity: number[]; active: number[] }> = [];
console.log(`bench:projection ${PIECE} on ${SCREEN}, mode ${MODE}, ${ROUNDS} rounds × ${SECONDS} s per phase; load average ${load()} (${os.cpus().length} cores)`);
await command(app, { type: 'wall.play', wallId: 'canopy', installationId: PIECE });
for (const [w, h] of SIZES) {
  const screen = await openScreen(app, w, h, PIECE);
  const fps = async (): Promise<number> => {
    await sleep(1500); // the view's trip, the first frames of the new state
    const a = await screen.count();
    await sleep(SECONDS * 1000);
    const b = await screen.count();
    return ((b[0] - a[0]) * 1000) / (b[1] - a[1]);
  };
  const row = { size: `${w}×${h}`, identity: [] as number[], active: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    await identity(app, MODE);
    row.identity.push(await fps());
    await command(app, activeCommand(MODE));
    row.active.push(await fps());
  }
  await identity(app, MODE);
  console.log(`${row.size}: identity ${row.identity.map((f) => f.toFixed(1)).join(', ')} fps (mean ${mean(row.identity).toFixed(1)}); active ${row.active.map((f) => f.toFixed(1)).join(', ')} fps (mean ${mean(row.active).toFixed(1)}); cost ${((1 - mean(row.active) / mean(row.identity)) * 100).toFixed(1)} %; load ${load()}`);
  rows.push(row);
  await screen.browser.close();
}
console.log(`load average at the end: ${load()}`);
await app.close();
