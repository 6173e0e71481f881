/** The soak's result: its shape, the verdicts against the targets, and the printed table. */
import { fmt, median } from '../lib/stats';
import type { PhoneCounters, ServerSample } from './protocol';
import type { PanelCounters } from './panels';
import type { HeapWalk, TabCounters, TabSample } from './tabs';
import { growth, thirds, type Growth, type Thirds, type Verdict } from './verdict';
import type { AudioThreadTrace } from './audio-trace';

/** A message's kind, for the tallies of piece errors and server warnings: its numbers taken out, at most 160 characters. */
export function messageKind(text: string): string {
  return text.replace(/\d+(\.\d+)?/g, 'N').slice(0, 160);
}

export interface Sample {
  /** Seconds since the load started. */
  t: number;
  /** The server's figures at this sample (its warnings' tally is kept once, in `errors.serverWarnKinds`). */
  server: Omit<ServerSample, 'warnKinds'>;
  tabs: TabSample[];
  screensConnected: number;
  /** Each screen's fps as its last health report to the server gave it (GET /api/show). */
  screenFps: Record<string, number | null>;
  phonesPlaying: number;
  /** Inputs the server acknowledged per second since the previous sample. */
  inputsPerSec: number;
  /** Mean input round trip (send → ack) since the previous sample, ms. */
  inputRttMs: number;
  /** Share of answers since the previous sample that asked the phone to slow down, %. */
  pacedPct: number;
  /** How long taking this sample took, s. */
  sampleS: number;
  phones: PhoneCounters[];
  /** Totals since the start. */
  pieceErrors: number;
  /** Commands refused or left unanswered. */
  refusedCommands: number;
  cuesFired: number;
  loadAvg: number;
  /**
   * The whole machine's CPU time since the previous sample, in % (bench/lib/machine-cpu.ts): busy,
   * idle, and stolen by the hypervisor for other guests (older results lack it).
   */
  machine?: { busyPct: number; idlePct: number; stealPct: number };
  /**
   * Where the screens' Chromiums spent CPU since the previous sample, in % of one core: by process
   * kind, and the busiest threads ("kind/thread name", threads of a name summed across processes).
   * What drives the load when it climbs (renderer main threads, SwiftShader, audio threads).
   */
  chromiumCpu?: { byKind: Record<string, number>; top: Array<[string, number]> };
}

export interface SoakResult {
  bench: 'soak';
  at: string;
  /** --trace-audio: what each audio thread rendered, at those seconds into the run. */
  audioTraces?: Array<{ t: number; threads: AudioThreadTrace[] }>;
  machine: Record<string, unknown>;
  config: { runS: number; warmupS: number; heapTolerancePct: number } & Record<string, unknown>;
  errors: {
    serverErrorLines: number;
    serverErrorExamples: string[];
    serverWarnLines: number;
    /** The server's warnings by kind (message, numbers taken out), and how many (older results lack it). */
    serverWarnKinds?: Record<string, number>;
    pieceErrors: number;
    pieceErrorExamples: string[];
    /** Every piece error by kind (its message with the numbers taken out), and how many (older results lack it). */
    pieceErrorKinds?: Record<string, number>;
    /** Every piece error in full (the first 500): when (s into the run), which screen, what (older results lack it). */
    pieceErrorLog?: { t: number; screenId: string; message: string }[];
    refusedCommands: number;
    /** Commands that got no answer at all (a starved server). */
    failedCommands: number;
    refusedCommandExamples: string[];
    /** Samples whose GET /api/show failed (reported, not counted: the commands' failures are). */
    showReadFailures: number;
    /** Samples that could not be taken at all (a child did not answer in time). */
    sampleFailures: number;
    /** Per screen: heap readings that failed or took over 60 s (a renderer mid-reload or starved); not counted. */
    heapReadMisses: Record<string, number>;
    phoneConnectErrors: number;
    phoneJoinErrors: number;
    phoneKicked: number;
    /** By code; `stale_input` (an input for a control the cue had just removed) is a race every phone meets, not an error. */
    phoneInputRefusals: Record<string, number>;
    phoneExamples: string[];
    /** --panels: the control panels' connect errors, counted (older results lack them; their examples are in `panels`). */
    panelConnectErrors?: number;
    pageErrors: number;
    pageCrashes: number;
    /** Reported, not counted against the target (a console message is not a failure by itself). */
    consoleErrors: number;
    tabExamples: string[];
  };
  reconnections: { screens: number; screenReloads: number; phones: number; phoneDisconnects: number; panels?: number; panelDisconnects?: number; panelPage?: number };
  /** --panels: what the control panels received (bench/soak/panels.ts). */
  panels?: PanelCounters;
  /** left and arrived: visitors who came and went with --visit-s (older results lack them). */
  phones: { sent: number; acked: number; views: number; cpuMs: number; left?: number; arrived?: number };
  cuesFired: number;
  tabCounters: TabCounters[];
  /** How the heap walks went: their rounds' lengths and their readings' (older results lack it). */
  heapWalk?: HeapWalk;
  samples: Sample[];
  verdicts: Verdict[];
  analysis: {
    serverRss: Growth | null;
    serverHeap: Growth | null;
    tabs: Array<{ screenId: string; heap: Thirds | null; heapGrowth: Growth | null; fpsMean: number }>;
    /** Each browser's stage process (read through its first tab), by that tab's screen id. */
    stages: Array<{ screenId: string; heap: Thirds | null; heapGrowth: Growth | null }>;
  };
}

/** The errors counted against the target "0 errors". */
export function errorCount(e: SoakResult['errors']): number {
  const refusals = Object.entries(e.phoneInputRefusals).reduce((s, [code, n]) => s + (code === 'stale_input' ? 0 : n), 0);
  return e.serverErrorLines + e.pieceErrors + e.refusedCommands + e.failedCommands + e.phoneConnectErrors + e.phoneJoinErrors + e.phoneKicked + refusals + e.pageErrors + e.pageCrashes + (e.panelConnectErrors ?? 0);
}

const RSS_LIMIT_PCT = 5;

/** Fills in result.analysis and result.verdicts. */
export function judge(r: SoakResult): void {
  const post = r.samples.filter((s) => s.t >= r.config.warmupS);
  r.analysis.serverRss = growth(post.map((s) => ({ t: s.t, v: s.server.rssMB })));
  r.analysis.serverHeap = growth(post.map((s) => ({ t: s.t, v: s.server.heapLiveMB })));
  const ids = r.samples[0]?.tabs.map((t) => t.screenId) ?? [];
  r.analysis.tabs = ids.map((screenId) => {
    const pts = post.flatMap((s) => {
      const v = s.tabs.find((x) => x.screenId === screenId)?.heapMB;
      return v === null || v === undefined ? [] : [{ t: s.t, v }];
    });
    const fps = post.flatMap((s) => s.tabs.find((x) => x.screenId === screenId)?.fps ?? []);
    return { screenId, heap: thirds(pts.map((p) => p.v), HEAP_PER_THIRD), heapGrowth: growth(pts), fpsMean: fps.length ? fps.reduce((a, b) => a + b, 0) / fps.length : NaN };
  });
  const stageIds = r.samples[0]?.tabs.filter((t) => t.stageHeapMB !== undefined).map((t) => t.screenId) ?? [];
  r.analysis.stages = stageIds.map((screenId) => {
    const pts = post.flatMap((s) => {
      const v = s.tabs.find((x) => x.screenId === screenId)?.stageHeapMB;
      return v === null || v === undefined ? [] : [{ t: s.t, v }];
    });
    return { screenId, heap: thirds(pts.map((p) => p.v), HEAP_PER_THIRD), heapGrowth: growth(pts) };
  });

  const n = errorCount(r.errors);
  r.verdicts.push({ target: 'errors = 0', outcome: n === 0 ? 'pass' : 'fail', detail: `${n} error(s)` });
  const g = r.analysis.serverRss;
  const snapshotsAt = r.config.serverSnapshotsAt as number[] | undefined;
  r.verdicts.push(
    g && snapshotsAt?.length
      ? {
          target: `server RSS growth < ${RSS_LIMIT_PCT} % after warm-up`,
          outcome: 'n/a',
          detail: `${fmt(g.first, 1)} → ${fmt(g.last, 1)} MB (${fmt(g.growthPct, 1)} %), not judged: the server's heap snapshots (at ${snapshotsAt.join(', ')} s) grow its RSS; judge it in a run without --server-snapshots`,
        }
      : g
      ? {
          target: `server RSS growth < ${RSS_LIMIT_PCT} % after warm-up`,
          outcome: g.growthPct < RSS_LIMIT_PCT && g.slopeGrowthPct < RSS_LIMIT_PCT ? 'pass' : 'fail',
          detail: `${fmt(g.first, 1)} → ${fmt(g.last, 1)} MB (${fmt(g.growthPct, 1)} %); slope ${fmt(g.slopePerMin, 2)} MB/min (${fmt(g.slopeGrowthPct, 1)} % over the ${g.samples} samples)`,
        }
      : { target: `server RSS growth < ${RSS_LIMIT_PCT} % after warm-up`, outcome: 'n/a', detail: 'fewer than 3 samples after the warm-up: run longer' },
  );
  const tol = r.config.heapTolerancePct;
  const all = [...r.analysis.tabs.map((t) => ({ ...t, what: `${t.screenId} page` })), ...r.analysis.stages.map((t) => ({ ...t, what: `${t.screenId}'s browser's stage process` }))];
  const judged = all.filter((t) => t.heap);
  const worst = judged.reduce<(typeof judged)[number] | null>((w, t) => (!w || t.heap!.growthPct > w.heap!.growthPct ? t : w), null);
  const over = judged.filter((t) => t.heap!.growthPct > tol);
  const target = `no heap grows (display pages, stage processes): last third's mean ≤ second third's + ${tol} %`;
  r.verdicts.push(
    worst
      ? {
          target,
          // A heap read fewer than READINGS_NEEDED times after the warm-up is not judged: the verdict is then N/A, unless another fails.
          outcome: over.length ? 'fail' : judged.length === all.length ? 'pass' : 'n/a',
          detail: `${judged.length}/${all.length} heaps judged; worst ${worst.what} ${fmt(worst.heap!.secondMean, 1)} → ${fmt(worst.heap!.lastMean, 1)} MB (${fmt(worst.heap!.growthPct, 1)} %)${over.length ? `; over: ${over.map((t) => t.what).join(', ')}` : ''}${judged.length < all.length ? `; ${runLonger(r)}` : ''}`,
        }
      : { target, outcome: 'n/a', detail: `fewer than ${String(READINGS_NEEDED)} heap readings of each after the warm-up; ${runLonger(r)}` },
  );
}

/**
 * Readings each heap needs in each third after the warm-up to be judged (thirds()). One against one
 * judged a stage process's swing with the cue cycle as growth: session 30's default run failed on
 * soak-d-1's browser, 35.8 MB in the second third against 42.0 and 74.9 in the last (+63 %), whose
 * first reading after the warm-up had been 80.2 MB.
 */
export const HEAP_PER_THIRD = 2;
/** Readings each heap needs after the warm-up to be judged. */
const READINGS_NEEDED = 3 * HEAP_PER_THIRD;

/**
 * What to do when heaps went unjudged: each needs READINGS_NEEDED readings after the warm-up, a
 * walk reads each of its heaps once a round, so the run must last the warm-up plus that many
 * rounds of the slower walk and one more (a reading taken as the warm-up ends, one cut short by the end).
 */
function runLonger(r: SoakResult): string {
  const w = r.heapWalk;
  const round = w ? Math.max(median(w.pageRoundS ?? []), median(w.stageRoundS ?? [])) : NaN;
  if (!Number.isFinite(round)) return 'run longer';
  const minutes = Math.ceil((r.config.warmupS + (READINGS_NEEDED + 1) * round) / 60);
  return `the slower heap walk read each of its heaps every ${fmt(round, 0)} s (median), and each heap needs ${String(READINGS_NEEDED)} readings after the ${fmt(r.config.warmupS, 0)} s warm-up: run --minutes ${String(Math.max(minutes, Math.ceil(r.config.runS / 60) + 1))} or more for a verdict`;
}

const med = (v: number[]) => {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};

/** With --visit-s: how many visitors came and went, and what the server held of them after the warm-up. */
export function visitorsLine(r: SoakResult): string {
  const after = r.samples.filter((s) => s.t >= r.config.warmupS && s.server.visitorsHeld !== undefined);
  const held = after.map((s) => s.server.visitorsHeld);
  const sockets = after.map((s) => s.server.sockets);
  const range = (xs: number[]) => (xs.length ? `${Math.min(...xs)}–${Math.max(...xs)}` : '—');
  return `visitors: ${r.phones.left ?? 0} left and ${r.phones.arrived ?? 0} new ones joined in their places (about ${String(r.config.phones)} at a time); after the warm-up the server held ${range(held)} places (playing, queued, or dropped within their grace) and ${range(sockets)} socket.io connections`;
}

/** What the server's data directory held on disk: at the first sample after the warm-up, at most, and at the end (older results lack it). */
export function diskLine(r: SoakResult): string | null {
  const mb = r.samples.filter((s) => s.t >= r.config.warmupS).map((s) => s.server.dataDirMB).filter((v): v is number => typeof v === 'number');
  if (!mb.length) return null;
  return `the server's data directory (show snapshots, journal, backups, activity log): ${mb[0]!.toFixed(2)} MB after the warm-up, ${Math.max(...mb).toFixed(2)} MB at most, ${mb.at(-1)!.toFixed(2)} MB at the end (${r.cuesFired} cues fired)`;
}

export function printReport(r: SoakResult): void {
  const c = r.config;
  console.log(`\nbench:soak — ${String(r.machine.cpus)} × ${String(r.machine.model)}, node ${String(r.machine.node)}; ${fmt(c.runS / 60, 1)} min (warm-up ${fmt(c.warmupS, 0)} s), ${String(c.screens)} tabs ${String(c.size)}, ${String(c.phonesJoined)}/${String(c.phones)} phones at ${String(c.hz)} Hz, a cue every ${String(c.cueS)} s (${r.cuesFired} fired)`);
  console.log('     t s │ srv RSS │ srv heap │ loop p99 │ srv CPU │ srv wait │ tab heap min/med/max MB │ fps min/med │ phones │ inputs/s │ rtt ms │ paced % │ errors │ load');
  for (const s of r.samples) {
    const heaps = s.tabs.map((t) => t.heapMB ?? NaN).filter(Number.isFinite);
    const fps = s.tabs.map((t) => t.fps ?? NaN).filter(Number.isFinite);
    const errs = s.server.errorLines + s.pieceErrors + s.refusedCommands + s.phones.reduce((a, p) => a + p.connectErrors + p.joinErrors + p.kicked, 0);
    console.log(
      [
        `${s.t < r.config.warmupS ? 'w' : ' '}${fmt(s.t, 0).padStart(6)}`,
        fmt(s.server.rssMB, 1).padStart(7),
        fmt(s.server.heapLiveMB, 1).padStart(8),
        fmt(s.server.loopP99Ms, 1).padStart(8),
        fmt(s.server.cpuPct, 0).padStart(7),
        fmt(s.server.mainWaitPct ?? NaN, 0).padStart(8),
        `${fmt(heaps.length ? Math.min(...heaps) : NaN, 1)}/${fmt(med(heaps), 1)}/${fmt(heaps.length ? Math.max(...heaps) : NaN, 1)}`.padStart(23),
        `${fmt(fps.length ? Math.min(...fps) : NaN, 0)}/${fmt(med(fps), 0)}`.padStart(11),
        String(s.phonesPlaying).padStart(6),
        fmt(s.inputsPerSec, 0).padStart(8),
        fmt(s.inputRttMs, 0).padStart(6),
        fmt(s.pacedPct, 0).padStart(7),
        String(errs).padStart(6),
        fmt(s.loadAvg, 1).padStart(4),
      ].join(' │ '),
    );
  }
  console.log('  (w: warm-up, left out of the growth figures; tab heaps: MB after a forced full GC, read one tab at a time, the readings since the previous sample; fps from each page\'s window.__pavilion.framesRendered; srv wait: % of the time the server\'s main thread was ready to run but waited for a CPU)');
  const steal = r.samples.map((s) => s.machine?.stealPct ?? NaN).filter(Number.isFinite);
  const idle = r.samples.map((s) => s.machine?.idlePct ?? NaN).filter(Number.isFinite);
  if (steal.length) console.log(`the machine's CPU time (${String(steal.length)} samples): stolen by the hypervisor ${fmt(med(steal), 1)} % (median), ${fmt(Math.max(...steal), 1)} % at most; idle ${fmt(med(idle), 1)} % (median)`);
  for (const t of r.analysis.stages) console.log(`stage process of ${t.screenId}'s browser (after the warm-up): heap ${fmt(t.heap?.secondMean, 1)} → ${fmt(t.heap?.lastMean, 1)} MB (${fmt(t.heap?.growthPct, 1)} %)`);
  console.log('\nper tab (after the warm-up): screen │ page heap 2nd third → last third MB │ growth % │ fps mean │ reconnections │ page errors');
  for (const t of r.analysis.tabs) {
    const k = r.tabCounters.find((x) => x.screenId === t.screenId);
    console.log(`  ${t.screenId.padEnd(8)} │ ${`${fmt(t.heap?.secondMean, 1)} → ${fmt(t.heap?.lastMean, 1)}`.padStart(15)} │ ${fmt(t.heap?.growthPct, 1).padStart(6)} │ ${fmt(t.fpsMean, 1).padStart(5)} │ ${String(k?.reconnections ?? 0).padStart(3)} │ ${String((k?.pageErrors ?? 0) + (k?.crashes ?? 0)).padStart(3)}`);
  }
  const e = r.errors;
  console.log(`\nerrors: server log ${e.serverErrorLines} (warn ${e.serverWarnLines}), piece errors ${e.pieceErrors}, refused commands ${e.refusedCommands}, unanswered commands ${e.failedCommands}, phone connect ${e.phoneConnectErrors}, join ${e.phoneJoinErrors}, kicked ${e.phoneKicked}, input refusals ${JSON.stringify(e.phoneInputRefusals)}, page errors ${e.pageErrors}, crashes ${e.pageCrashes}${e.panelConnectErrors !== undefined ? `, panel connect ${e.panelConnectErrors}` : ''}; console errors ${e.consoleErrors} and failed GET /api/show ${e.showReadFailures}, failed samples ${e.sampleFailures}, heap readings missed ${Object.values(e.heapReadMisses).reduce((a, b) => a + b, 0)} (not counted)`);
  for (const x of [...e.serverErrorExamples, ...e.pieceErrorExamples, ...e.refusedCommandExamples, ...e.phoneExamples, ...e.tabExamples]) console.log(`  · ${x}`);
  const kinds = Object.entries(e.pieceErrorKinds ?? {}).sort((a, b) => b[1] - a[1]);
  if (kinds.length) console.log(`piece errors by kind:\n${kinds.map(([k, n]) => `  ${String(n).padStart(4)} × ${k}`).join('\n')}`);
  const warns = Object.entries(e.serverWarnKinds ?? {}).sort((a, b) => b[1] - a[1]).slice(0, 15);
  if (warns.length) console.log(`server warnings by kind (the most frequent 15):\n${warns.map(([k, n]) => `  ${String(n).padStart(5)} × ${k}`).join('\n')}`);
  const long = r.tabCounters.flatMap((t) => (t.longFrames ?? []).map((f) => ({ ...f, screenId: t.screenId }))).sort((a, b) => b.ms - a.ms).slice(0, 12);
  if (long.length) console.log(`longest animation frames (tasks) of the pages and stages, ≥ 3 s:\n${long.map((f) => `  ${f.screenId} t=${f.atS} s: ${(f.ms / 1000).toFixed(1)} s ${f.text}`).join('\n')}`);
  const w = r.heapWalk;
  if (w) {
    const pr = median(w.pageRoundS ?? []);
    const sr = median(w.stageRoundS ?? []);
    console.log(`heap walks: the pages' ${String(w.pageRoundS?.length ?? 0)} whole rounds took ${fmt(pr, pr < 10 ? 1 : 0)} s each, each stage process was read every ${fmt(sr, sr < 10 ? 1 : 0)} s (medians; ${String(w.stageRoundS?.length ?? 0)} stage readings in all, each browser's walked on its own); a reading (full GC, then the live heap) took ${fmt(w.pageReadingMs.median, 0)} ms (median; p90 ${fmt(w.pageReadingMs.p90, 0)}) on a display page, ${fmt(w.stageReadingMs.median, 0)} ms (p90 ${fmt(w.stageReadingMs.p90, 0)}) on a stage process`);
  }
  const rc = r.reconnections;
  console.log(`reconnections: screens ${rc.screens} (page reloads ${rc.screenReloads}), phones ${rc.phones} (disconnects ${rc.phoneDisconnects})${rc.panelPage !== undefined ? `, the panel page ${rc.panelPage}` : ''}; inputs sent ${r.phones.sent}, acknowledged ${r.phones.acked}; views followed ${r.phones.views}`);
  if (r.phones.left) console.log(visitorsLine(r));
  const disk = diskLine(r);
  if (disk) console.log(disk);
  const pn = r.panels;
  if (pn) console.log(`control panels: ${pn.panels} open (${pn.connected} connected at the end), ${pn.states} show mirrors and ${pn.thumbnails} thumbnails received (${(pn.thumbnailChars / 1048576).toFixed(1)} MB of data URLs), ${pn.pieceErrors} piece error reports; ${pn.connectErrors} connect errors, ${pn.disconnects} disconnects${pn.examples.length ? `: ${pn.examples.slice(0, 3).join('; ')}` : ''}`);
  console.log('');
  for (const v of r.verdicts) console.log(`${v.outcome === 'pass' ? 'PASS' : v.outcome === 'fail' ? 'FAIL' : 'N/A '}  ${v.target}: ${v.detail}`);
}
