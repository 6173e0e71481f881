/**
 * npx tsx bench/projection/profile.ts [-- --mode full] [--size 480x270] [--rounds 2] [--seconds 6] [--piece prism-field] [--perf] [--ablate]
 *
 * Where the output stage's time goes (docs/performance.md, "bench:projection"): the same screen as
 * bench/projection/run.ts, identity and active phases alternating, and for each phase the CPU time
 * of every thread of this bench's Chromium (from /proc: the GPU process's main thread decodes the GL
 * calls, SwiftShader's threads rasterise, the renderer runs the piece and three.js) per frame drawn.
 * With --perf it also records `perf record -g` of the GPU process in one identity and one active
 * phase (.tmp/proj-perf-identity.data, .tmp/proj-perf-active.data; `perf report -i …`).
 * With --ablate, more active phases leave out the pass's frame copy, its draw, or the copy, clear and
 * draw together (hooks on WebGL2RenderingContext in the stage frame), to see what each costs.
 * Linux only.
 */
import { spawn } from 'node:child_process';
import { arg, flag } from '../lib/args';
import { sleep } from '../lib/child';
import { mine, ticks, TICK_MS } from './procs';
import { activeCommand, command, identity, loadavg, openScreen, startApp } from './setup';

const MODE = String(arg('mode', 'full'));
const [W, H] = String(arg('size', '480x270')).split('x').map(Number) as [number, number];
const ROUNDS = arg('rounds', 2);
const SECONDS = arg('seconds', 6);
const PIECE = String(arg('piece', 'prism-field'));
const PERF = flag('perf');
const ABLATE = flag('ablate');

/** In every frame, before any script: the pass's GL calls can be left out (globalThis.__projSkip), to see what each costs. */
const ABLATE_HOOKS = `(() => {
  const P = WebGL2RenderingContext.prototype;
  const skip = () => globalThis.__projSkip || {};
  const pass = new WeakMap();
  const isPass = (gl) => {
    const p = gl.getParameter(gl.CURRENT_PROGRAM);
    if (!p) return false;
    if (!pass.has(p)) pass.set(p, !!gl.getUniformLocation(p, 'uH'));
    return pass.get(p);
  };
  const copy = P.copyTexSubImage2D;
  P.copyTexSubImage2D = function (...a) { return skip().copy ? undefined : copy.apply(this, a); };
  const draw = P.drawElements;
  P.drawElements = function (...a) { return skip().draw && isPass(this) ? undefined : draw.apply(this, a); };
  const clear = P.clear;
  P.clear = function (m) { return skip().clear && m === this.COLOR_BUFFER_BIT ? undefined : clear.call(this, m); };
})();`;

const app = await startApp();
await command(app, { type: 'wall.play', wallId: 'canopy', installationId: PIECE });
console.log(`profile:projection ${PIECE}, mode ${MODE}, ${W}×${H}, ${ROUNDS} rounds × ${SECONDS} s; load ${loadavg()}`);
const screen = await openScreen(app, W, H, PIECE, ABLATE ? ABLATE_HOOKS : undefined);
// The stage's canvas as the GL sees it (antialias, depth, the drawing buffer's size against the page's).
console.log(`  canvas: ${await screen.stage.evaluate(() => {
  const c = document.querySelector('canvas');
  const gl = c?.getContext('webgl2');
  if (!c || !gl) return 'none';
  return JSON.stringify({ attributes: gl.getContextAttributes(), drawingBuffer: [gl.drawingBufferWidth, gl.drawingBufferHeight], css: [c.clientWidth, c.clientHeight], dpr: devicePixelRatio, samples: gl.getParameter(gl.SAMPLES), renderer: gl.getParameter(gl.RENDERER) });
})}`);
type Skip = { copy?: boolean; draw?: boolean; clear?: boolean };
// With --ablate, more active phases, each with part of the pass's GL calls left out (hooks in every frame, ABLATE_HOOKS).
const PHASES: Array<[string, Skip | null]> = [['identity', null], ['active', {}]];
if (ABLATE) PHASES.push(['active, no copy', { copy: true }], ['active, no pass draw', { draw: true }], ['active, no copy/clear/draw', { copy: true, draw: true, clear: true }]);
interface Phase { frames: number; ms: number; cpu: Map<string, number> }
const phases = new Map<string, Phase>(PHASES.map(([name]) => [name, { frames: 0, ms: 0, cpu: new Map() }]));
const perfRuns: Array<Promise<void>> = [];
let last: string | null = null;
for (let r = 0; r < ROUNDS; r++)
  for (const [phase, skip] of PHASES) {
    const kind = skip ? 'active' : 'identity';
    if (kind !== last) await (kind === 'identity' ? identity(app, MODE) : command(app, activeCommand(MODE)));
    last = kind;
    await screen.stage.evaluate((s) => ((globalThis as unknown as { __projSkip: unknown }).__projSkip = s), skip ?? {});
    await sleep(1500);
    const ps = mine();
    const t0 = ticks(ps);
    const a = await screen.count();
    if (PERF && r === 0 && !phase.includes(',')) {
      const gpu = ps.find((p) => p.kind === 'gpu-process');
      if (gpu) {
        const rec = spawn('perf', ['record', '-g', '-F', '499', '-o', `.tmp/proj-perf-${phase}.data`, '-p', String(gpu.pid), '--', 'sleep', String(SECONDS)], { stdio: 'ignore' });
        perfRuns.push(new Promise((res) => rec.on('exit', () => res())));
      }
    }
    await sleep(SECONDS * 1000);
    const b = await screen.count();
    const t1 = ticks(ps);
    const ph = phases.get(phase)!;
    ph.frames += b[0] - a[0];
    ph.ms += b[1] - a[1];
    for (const [k, v] of t1) ph.cpu.set(k, (ph.cpu.get(k) ?? 0) + (v - (t0.get(k) ?? 0)) * TICK_MS);
    console.log(`  round ${r + 1} ${phase}: ${(((b[0] - a[0]) * 1000) / (b[1] - a[1])).toFixed(1)} fps; load ${loadavg()}`);
  }
await Promise.all(perfRuns);
await identity(app, MODE);
const keys = [...new Set([...phases.values()].flatMap((p) => [...p.cpu.keys()]))];
const perFrame = (ph: Phase, k: string) => (ph.cpu.get(k) ?? 0) / Math.max(1, ph.frames);
const all = [...phases.entries()];
console.log(`fps: ${all.map(([n, p]) => `${n} ${((p.frames * 1000) / p.ms).toFixed(1)}`).join('; ')}`);
console.log(`CPU ms per frame, threads above 0.2 ms (${all.map(([n]) => n).join(' | ')}):`);
const total = all.map(() => 0);
const active = phases.get('active')!;
for (const k of keys.sort((x, y) => perFrame(active, y) - perFrame(active, x))) {
  const v = all.map(([, p]) => perFrame(p, k));
  v.forEach((x, i) => (total[i]! += x));
  if (v.some((x) => x > 0.2)) console.log(`  ${k.padEnd(44)} ${v.map((x) => x.toFixed(2).padStart(7)).join(' ')}`);
}
console.log(`  ${'all'.padEnd(44)} ${total.map((x) => x.toFixed(2).padStart(7)).join(' ')}`);
console.log(`load average at the end: ${loadavg()}`);
await screen.browser.close();
await app.close();
