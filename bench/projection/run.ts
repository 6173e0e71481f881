/**
 * npx tsx bench/projection/run.ts [-- --rounds 3] [--seconds 8] [--sizes 480x270,960x540] [--piece prism-field]
 *
 * The output stage's cost (docs/projection.md, docs/performance.md): one screen (canopy-1) in its own
 * Chromium, a bundled piece playing, frames per second counted in the stage frame (requestAnimationFrame,
 * where the piece and the output pass run) with the stage as the identity and with an active warp
 * (corner-pin, a 5×5 mesh, soft edges on both sides, black lift), alternating A/B so that the shared
 * machine's load drifts into both alike. Serves the built client (dist/client, or PAVILION_STATIC_DIR).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Frame } from 'playwright-core';
import { createApp } from '../../server/app';
import { launchChromium } from '../../scripts/lib/chromium';
import { arg } from '../lib/args';
import { sleep } from '../lib/child';

const ROUNDS = arg('rounds', 3);
const SECONDS = arg('seconds', 8);
const SIZES = String(arg('sizes', '480x270,960x540')).split(',').map((s) => s.split('x').map(Number) as [number, number]);
const PIECE = String(arg('piece', 'prism-field'));
const ADMIN = 'bench-admin-token-0123456789';
const SCREEN = 'canopy-1';

const app = await createApp({
  port: 0,
  host: '127.0.0.1',
  dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-bench-projection-')),
  logger: pino({ level: process.env.BENCH_LOG ?? 'silent' }),
  adminToken: ADMIN,
  artistToken: 'bench-artist-token-0123456789',
  publicUrl: 'http://127.0.0.1',
  ...(process.env.PAVILION_STATIC_DIR ? { staticDir: path.resolve(process.env.PAVILION_STATIC_DIR) } : {}),
});
async function command(c: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${app.url}/api/commands`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(c) });
  const body = (await res.json()) as { ok: boolean };
  if (!body.ok) throw new Error(`${String(c.type)}: ${JSON.stringify(body)}`);
}
async function poll<T>(fn: () => Promise<T | null | false | undefined>, what: string, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await sleep(50);
  }
  throw new Error(`bench: timed out waiting for ${what}`);
}

const grid = { cols: 5, rows: 5, points: Array.from({ length: 25 }, (_, k) => [(k % 5) / 4 + (k % 5 > 0 && k % 5 < 4 ? 0.02 : 0), Math.floor(k / 5) / 4]) };
const MODE = String(arg('mode', 'full')); // full: pin + grid + blend + black; pin: corners only; gain: a colour gain only; pattern: a test pattern (the pass without the copy)
const ACTIVE =
  MODE === 'pin' ? { type: 'screen.output', screenId: SCREEN, corners: [[0.03, 0.02], [0.98, 0], [0.96, 0.97], [0.01, 1]] }
  : MODE === 'gain' ? { type: 'screen.output', screenId: SCREEN, gain: [1, 0.95, 1] }
  : MODE === 'pattern' ? { type: 'screen.pattern', screenId: SCREEN, pattern: 'bars' } // no copy of the frame: the pass alone
  : { type: 'screen.output', screenId: SCREEN, corners: [[0.03, 0.02], [0.98, 0], [0.96, 0.97], [0.01, 1]], grid, blend: { left: 300, right: 300 }, black: 0.03 };
const IDENTITY = { type: 'screen.output', screenId: SCREEN, reset: true };

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const rows: Array<{ size: string; identity: number[]; active: number[] }> = [];
console.log(`bench:projection ${PIECE} on ${SCREEN}, mode ${MODE}, ${ROUNDS} rounds × ${SECONDS} s per phase; load average ${load()} (${os.cpus().length} cores)`);
await command({ type: 'wall.play', wallId: 'canopy', installationId: PIECE });
for (const [w, h] of SIZES) {
  const browser = await launchChromium();
  const page = await (await browser.newContext({ viewport: { width: w, height: h } })).newPage();
  await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  await page.goto(app.displayUrl(SCREEN)!);
  await poll(async () => page.evaluate((piece) => (window as unknown as { __pavilion?: { installationId: string | null } }).__pavilion?.installationId === piece || null, PIECE), 'the piece on screen');
  const stage = await poll<Frame>(async () => page.frames().find((f) => f.url() && new URL(f.url()).pathname === '/stage'), 'the stage frame');
  await stage.evaluate(() => {
    const g = window as unknown as { __benchCount: number };
    g.__benchCount = 0;
    const tick = () => {
      g.__benchCount++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const fps = async (): Promise<number> => {
    await sleep(1500); // the view's trip, the first frames of the new state
    const a = await stage.evaluate(() => [(window as unknown as { __benchCount: number }).__benchCount, performance.now()]);
    await sleep(SECONDS * 1000);
    const b = await stage.evaluate(() => [(window as unknown as { __benchCount: number }).__benchCount, performance.now()]);
    return ((b[0]! - a[0]!) * 1000) / (b[1]! - a[1]!);
  };
  const row = { size: `${w}×${h}`, identity: [] as number[], active: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    await command(IDENTITY);
    if (MODE === 'pattern') await command({ type: 'screen.pattern', screenId: SCREEN, pattern: 'none' });
    row.identity.push(await fps());
    await command(ACTIVE);
    row.active.push(await fps());
  }
  await command(IDENTITY);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  console.log(`${row.size}: identity ${row.identity.map((f) => f.toFixed(1)).join(', ')} fps (mean ${mean(row.identity).toFixed(1)}); active ${row.active.map((f) => f.toFixed(1)).join(', ')} fps (mean ${mean(row.active).toFixed(1)}); cost ${((1 - mean(row.active) / mean(row.identity)) * 100).toFixed(1)} %; load ${load()}`);
  rows.push(row);
  await browser.close();
}
console.log(`load average at the end: ${load()}`);
await app.close();
