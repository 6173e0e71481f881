/**
 * npx tsx bench/soak/timeline.ts bench/results/soak-<date>.json
 *
 * A soak's samples as a timeline of who had the CPU (docs/performance.md, session 17): per sample the
 * load, the share of the machine's CPU the hypervisor took for other guests (steal), the server's
 * share of time waiting for a CPU and its loop delay, the Chromium threads by name
 * (the sounding screens' audio device threads, the stage processes' main threads, SwiftShader's), the
 * screens' frame rates (median, and each wall's first screen: the one that sounds), the sounding
 * stages' Web Audio census (sources sounding, nodes made so far: bench/soak/tabs.ts) and the errors
 * so far. The bulk failures start with one of these columns running away; this says which.
 */
import fs from 'node:fs';
import type { Sample } from './report';

const file = process.argv[2];
if (!file || !fs.existsSync(file)) {
  console.error('usage: npx tsx bench/soak/timeline.ts bench/results/soak-<date>.json');
  process.exit(2);
}
const r = JSON.parse(fs.readFileSync(file, 'utf8')) as { samples: Sample[] };
const f = (x: number | null | undefined, d = 0) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
console.log('    t s │ load │ steal % │ srv wait % │ loop p99 ms │ audio % │ stage main % │ SwiftShader % │ fps median │ sounding screens fps │ sounding: live sources / nodes made │ errors │ sounding: audio context (state, clock, underruns, errors)');
for (const s of r.samples) {
  const top = Object.fromEntries(s.chromiumCpu?.top ?? []);
  const fps = s.tabs.map((t) => t.fps).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const first = s.tabs.filter((t) => /-1$/.test(t.screenId));
  const sounding = first.map((t) => f(t.fps, 1)).join('/');
  const census = first.map((t) => (t.audio ? `${t.audio.live}/${t.audio.created}` : '—')).join(' ');
  // Each sounding screen's audio context: r(unning)/s(uspended)/c(losed), its clock, underruns, errors.
  const contexts = first
    .map((t) => (t.audio?.contexts?.length ? t.audio.contexts.map((c) => `${c.state[0]}${f(c.time)}s u${c.underruns ?? '?'}${c.errors ? ` e${c.errors}` : ''}`).join('+') : '—'))
    .join(' ');
  console.log(
    [
      f(s.t).padStart(7),
      f(s.loadAvg).padStart(4),
      f(s.machine?.stealPct).padStart(7),
      f(s.server.mainWaitPct).padStart(10),
      f(s.server.loopP99Ms).padStart(11),
      f(top['renderer/AudioOutputDevi'] ?? 0).padStart(7),
      f(top['renderer/chromium'] ?? 0).padStart(12),
      f((top['gpu/Thread<00>'] ?? 0) + (top['gpu/Thread<01>'] ?? 0)).padStart(13),
      f(fps[Math.floor(fps.length / 2)], 1).padStart(10),
      sounding.padStart(20),
      census.padStart(35),
      String(s.pieceErrors).padStart(6),
      contexts,
    ].join(' │ '),
  );
}
