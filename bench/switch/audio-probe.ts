/**
 * npx tsx bench/switch/audio-probe.ts [--screen main-1] [--hold 6000] [--settle 3000] [--pieces canopy,echo,...]
 *
 * What each bundled piece costs the machine's threads while it plays alone on one screen of the
 * demo wall (main-1 plays the wall's sound), in its own Chromium at 480×270 (software WebGL),
 * serving PAVILION_STATIC_DIR (default dist/client): per piece, after --settle ms of playing (the
 * piece before it may still be releasing its sound then), the CPU of
 * every thread of the browser's processes over --hold ms (from /proc: Linux only), summed by
 * process role and thread name, the top ones printed. Shows where a sounding screen's CPU goes
 * (the stage's main thread, the GPU process, the audio device thread) against a silent one.
 */
import fs from 'node:fs';
import os from 'node:os';
import { chromium, type Browser, type Frame } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/lib/chromium';
import { startBenchApp, BENCH_ADMIN } from '../lib/app';
import { arg } from '../lib/args';
import { sleep } from '../lib/child';
import { poll, postCommand } from './rest';

const SCREEN = arg('screen', 'main-1');
const HOLD = arg('hold', 6000);
const SETTLE = arg('settle', 3000);
const PIECES = arg('pieces', 'prism-field,canopy,echo,facade,laser-score').split(',');
const TICK = 100; // USER_HZ

/** Every descendant process of `root`, with its command line's --type (browser, renderer, gpu-process…). */
function tree(root: number): Map<number, string> {
  const kids = new Map<number, number[]>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      (kids.get(ppid) ?? kids.set(ppid, []).get(ppid)!).push(Number(d));
    } catch {
      /* gone */
    }
  }
  const out = new Map<number, string>();
  const walk = (pid: number) => {
    let type = 'browser';
    try {
      // Chromium rewrites its children's command lines as one string: split on spaces too.
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
      const t = cmd.find((a) => a.startsWith('--type='));
      if (t) type = t.slice(7);
      else if (!/chrom/.test(cmd[0] ?? '')) type = 'bench (node)';
      if (cmd.some((a) => a.startsWith('--extension-process'))) type += '(ext)';
    } catch {
      return;
    }
    out.set(pid, `${type}:${pid}`);
    for (const k of kids.get(pid) ?? []) walk(k);
  };
  walk(root);
  return out;
}

/** CPU ticks of each thread of these processes, keyed "process role / thread name / tid". */
function ticks(procs: Map<number, string>): Map<string, number> {
  const m = new Map<string, number>();
  for (const [pid, role] of procs) {
    let tids: string[] = [];
    try {
      tids = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const s = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
        const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
        m.set(`${role} / ${name} / ${tid}`, Number(f[11]) + Number(f[12]));
      } catch {
        /* gone */
      }
    }
  }
  return m;
}

const app = await startBenchApp('audio-probe', process.env.PAVILION_STATIC_DIR ?? 'dist/client');
let browser: Browser | null = null;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const page = await (await browser.newContext({ viewport: { width: 480, height: 270 } })).newPage();
  await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  const url = app.displayUrl(SCREEN);
  if (!url) throw new Error(`audio-probe: screen ${SCREEN} is not paired in the demo show`);
  await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
  const stage: Frame = await poll(async () => page.frames().find((f) => f.url() && new URL(f.url()).pathname === '/stage') ?? null, 'the stage frame', 90_000);
  type Diag = { lastSwitch: { installationId: string | null; showTime: number } | null; framesRendered: number; clock: { synced: boolean } };
  const seen = () => stage.evaluate(() => (window as unknown as { __pavilion?: Diag }).__pavilion ?? null);
  await poll(async () => { const d = await seen(); return !!d && d.clock.synced && d.framesRendered > 5; }, 'the screen to sync and draw', 90_000);
  const pid = process.pid; // the browser is this process's child
  console.log(`audio-probe — ${SCREEN} at 480×270 in one Chromium, ${HOLD} ms per piece from ${SETTLE} ms after its switch; load ${os.loadavg()[0]!.toFixed(1)}`);
  for (const id of PIECES) {
    const before = (await seen())?.lastSwitch?.showTime ?? null;
    await postCommand(app.url, BENCH_ADMIN, { wallId: 'main', type: 'wall.play', installationId: id });
    await poll(async () => { const d = await seen(); return d?.lastSwitch?.installationId === id && d.lastSwitch.showTime !== before; }, `the switch to ${id}`, 90_000);
    await sleep(SETTLE);
    const procs = tree(pid);
    const a = ticks(procs);
    const f0 = (await seen())!.framesRendered;
    const t0 = Date.now();
    await sleep(HOLD);
    const b = ticks(procs);
    const f1 = (await seen())!.framesRendered;
    const secs = (Date.now() - t0) / 1000;
    const by = new Map<string, number>();
    for (const [k, v] of b) {
      const d = v - (a.get(k) ?? v);
      if (d <= 0) continue;
      const [role, name] = k.split(' / ');
      const key = `${role!.replace(/:\d+$/, '')} / ${name}`;
      by.set(key, (by.get(key) ?? 0) + d);
    }
    const total = [...by.values()].reduce((x, y) => x + y, 0);
    const top = [...by].sort((x, y) => y[1] - x[1]).slice(0, 7);
    const pct = (t: number) => ((t / TICK / secs) * 100).toFixed(0);
    console.log(`${id.padEnd(12)} ${((f1 - f0) / secs).toFixed(1)} fps; the browser's threads ${pct(total)} % of a core: ${top.map(([k, t]) => `${k} ${pct(t)} %`).join(', ')}; load ${os.loadavg()[0]!.toFixed(1)}`);
  }
} finally {
  await browser?.close().catch(() => undefined);
  await app.close();
  fs.rmSync(app.dataDir, { recursive: true, force: true });
}
