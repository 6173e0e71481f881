/**
 * The stage watchdog's decision (client/display/relay.ts), apart from its clocks so that it can be
 * tested alone: given how long the stage has drawn no new frame and what else the page saw in that
 * time, is it stalled (reload now), starved (wait longer), or fine?
 */

/** A stage that still answers but draws no new frame for this long while it has something to show is reloaded. */
export const STALL_MS = 10_000;
/**
 * A stage that stops answering at all (its thread stuck: a piece in an endless loop) is reloaded
 * after this long, if the browser drew its page and the GPU served it meanwhile: long enough not to
 * cut a slow load. Silent that long while the page was short of frames or kept waiting by the GPU
 * too, it is starved (its thread waiting on a GPU process that is behind, or not scheduled on an
 * overloaded machine), and waits for the starved wait instead.
 */
export const HUNG_MS = 45_000;
/** A stage that never opens its channel within this long after its frame loads is reloaded, if its page was drawn meanwhile. */
export const SILENT_MS = 45_000;
/**
 * A stage that draws nothing while the browser is short of frames or of GPU is starved, not
 * stalled: the browser itself is behind (software GL or a GPU on an overloaded machine, or several
 * screens in one browser), and a reload would only add to the load. It is reloaded after this long only.
 */
export const STARVED_MS = 60_000;
/**
 * This page asks for one animation frame a second; a stall is the stage's own when at least this
 * share of those came back meanwhile (the browser was drawing, the stage was not).
 */
export const PAGE_FRAMES_FOR_STALL = 0.5;
/** The GPU is busy (not the stage's loop stuck) when this page's own 1×1 fence has waited this long. */
export const GPU_BUSY_MS = 2_000;

/** The watchdog's waits on one screen: the defaults above, or what its address says (watchdogTimes). */
export interface WatchdogTimes {
  stallMs: number;
  starvedMs: number;
  /** The usual hung wait (HUNG_MS, 45 s), or what the screen's address says (`hung=`). */
  stuckMs: number;
  /** Every wait (stall, starved, hung, start) times this: the reload backoff (backoffAfterReload); 1 when absent. */
  scale?: number;
  /** The hung wait learned from the silences this stage came back from (Recoveries), when longer than the usual. */
  hungMs?: number;
  /** The start wait learned from this screen's earlier starts (Recoveries), when longer than the usual. */
  startMs?: number;
}

/** A learned wait is this many times the longest silence (or start) the stage came back from. */
export const LEARNED_FACTOR = 2;
/** The longest a learned wait grows: a stage stuck for good is still reloaded, 4 minutes on at most. */
export const LEARNED_MAX_MS = 240_000;

/**
 * What this screen's stage has come back from lately: the longest silence that ended with an
 * answer, and the longest start, each kept for BACKOFF_RESET_MS. A machine whose stages are held
 * for 40 s at a time and then answer (several software-GL screens on two cores: the stage's thread
 * not scheduled, or waiting on a GPU process that is behind) is shown to be slow, not stuck: the
 * hung and start waits become twice the longest such time (up to LEARNED_MAX_MS), so that the
 * watchdog does not reload a stage for a silence of the kind it has seen end, which would only
 * start its pieces, their GPU programs and their sound again on a machine already behind. A piece
 * stuck for good is still reloaded, later; the report says why the wait was longer.
 */
export class Recoveries {
  private silence: { ms: number; at: number } | null = null;
  private start: { ms: number; at: number } | null = null;

  /** The stage answered again at `at` after `ms` without a word (its page's frozen time taken out). */
  silenceEnded(ms: number, at: number): void {
    this.silence = longest(this.silence, ms, at);
  }

  /** A stage's channel opened `ms` after its document loaded. */
  started(ms: number, at: number): void {
    this.start = longest(this.start, ms, at);
  }

  /** The longest silence the stage came back from in the last 10 minutes (ms), or 0. */
  silenceMs(now: number): number {
    return fresh(this.silence, now);
  }

  /** The longest start in the last 10 minutes (ms), or 0. */
  startMs(now: number): number {
    return fresh(this.start, now);
  }

  /** The learned waits for WatchdogTimes: only those longer than the usual ones (the hung wait: `stuckMs`). */
  waits(now: number, stuckMs = HUNG_MS): Pick<WatchdogTimes, 'hungMs' | 'startMs'> {
    const hung = learned(this.silenceMs(now), stuckMs);
    const start = learned(this.startMs(now), SILENT_MS);
    return { ...(hung > stuckMs ? { hungMs: hung } : {}), ...(start > SILENT_MS ? { startMs: start } : {}) };
  }
}

function longest(kept: { ms: number; at: number } | null, ms: number, at: number): { ms: number; at: number } {
  return kept && at - kept.at < BACKOFF_RESET_MS && kept.ms > ms ? kept : { ms, at };
}

function fresh(kept: { ms: number; at: number } | null, now: number): number {
  return kept && now - kept.at < BACKOFF_RESET_MS ? kept.ms : 0;
}

function learned(ms: number, usual: number): number {
  return Math.max(usual, Math.min(ms * LEARNED_FACTOR, LEARNED_MAX_MS));
}

/** Why a stage is taken for starved when `n` other screens of its browser are silent with it. */
function siblingsWhy(n: number): string {
  return `${n === 1 ? '1 other screen' : `${n} other screens`} of this browser, whose stages share its process, did not answer either`;
}

/** Why a learned wait was used, for the report: "" when the usual wait applied. */
function learnedWhy(wait: number, usual: number): string {
  return wait > usual ? ` (given ${Math.round(wait / 1000)} s, twice the longest it had come back from lately)` : '';
}

/** The most the waits grow after reloads that keep coming. */
export const BACKOFF_MAX = 8;
/** A reload this long after the last one starts the backoff afresh (and the waits are back to 1× then). */
export const BACKOFF_RESET_MS = 600_000;

/**
 * The waits' scale after a reload: doubled (up to ×8) while reloads come within BACKOFF_RESET_MS of
 * each other, else 2× the usual. A stage that is reloaded and hangs again (a piece stuck for good)
 * is reloaded again, and reported each time, but less often; a machine too starved to start its
 * stages (every reload starting them all again, on every screen) is given time to catch up instead
 * of a reload storm. The waits come back to 1× BACKOFF_RESET_MS after the last reload.
 */
export function backoffAfterReload(scale: number, sinceLastReloadMs: number | null): number {
  const from = sinceLastReloadMs !== null && sinceLastReloadMs < BACKOFF_RESET_MS ? scale : 1;
  return Math.min(from * 2, BACKOFF_MAX);
}

export const WATCHDOG_DEFAULTS: WatchdogTimes = { stallMs: STALL_MS, starvedMs: STARVED_MS, stuckMs: HUNG_MS };
/** The longest starved or hung wait a screen's address may ask for. */
export const STARVED_MAX_MS = 3_600_000;

/**
 * The watchdog's waits a screen's address asks for (docs/display.md, "Watchdogs"), each in seconds
 * from the stall wait (10 s: no wait is shorter than a stall's) to an hour:
 * - `starved=<seconds>`: the starved wait. Longer for a machine known to draw slowly, where a reload
 *   only adds to the load; shorter where a reload is known to help.
 * - `hung=<seconds>`: the hung wait (45 s), for a stage that stopped answering while its page was
 *   drawn. Longer for pieces known to hold their thread for long (a big synchronous load); shorter
 *   where a quick recovery from a stuck piece matters more. The start wait (SILENT_MS) stays.
 * The tests use short ones. Anything else keeps the default, with a warning that says what was wrong.
 */
export function watchdogTimes(search: string, warn: (message: string) => void = () => {}): WatchdogTimes {
  const params = new URLSearchParams(search);
  const starved = seconds(params.get('starved'), 'starved', `a starved stage is reloaded after ${STARVED_MS / 1000} s (fix the address, e.g. starved=120)`, warn);
  const hung = seconds(params.get('hung'), 'hung', `a stage that stopped answering is reloaded after ${HUNG_MS / 1000} s (fix the address, e.g. hung=90)`, warn);
  if (starved === null && hung === null) return WATCHDOG_DEFAULTS;
  return { stallMs: STALL_MS, starvedMs: starved ?? STARVED_MS, stuckMs: hung ?? HUNG_MS };
}

/** A wait of the address in ms, or null (absent, or not a number of seconds in range: then `warn`ed). */
function seconds(raw: string | null, name: string, otherwise: string, warn: (message: string) => void): number | null {
  if (raw === null) return null;
  const s = /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
  const ms = Math.round(s * 1000);
  if (Number.isFinite(ms) && ms >= STALL_MS && ms <= STARVED_MAX_MS) return ms;
  warn(`the address's ${name}=${raw} is not a number of seconds from ${STALL_MS / 1000} to ${STARVED_MAX_MS / 1000}: ${otherwise}`);
  return null;
}

export interface StallFacts {
  /** Since the stage's last new frame (ms). */
  stalledMs: number;
  /** Since the stage's last message of any kind (ms): it answers twice a second while its thread runs. */
  silentMs: number;
  /** Animation frames this page was given since the stage's last new frame (one asked a second). */
  pageFramesGiven: number;
  /**
   * Animation frames the stage's own document was given meanwhile, by its own count (one asked a
   * second), or null where the stage does not say. A stage in a process shared with other screens'
   * stages (the windows of one kiosk browser) can be given none while its page is drawn.
   */
  stageFramesGiven?: number | null;
  /** How long this page's own GPU fence has waited (gpu-probe.ts), or null where it cannot tell. */
  gpuWaitMs: number | null;
  /**
   * How far behind the GPU was on the stage's own screen context at its last answer (its
   * diagnostics' gpuLagMs), or null where the stage does not say. The page's 1×1 probe is served in
   * its own queue; a stage whose draws are seconds deep in the GPU's queue can be held by them (its
   * frame's commit waits) for as long as the GPU takes, while the probe still passes at once.
   */
  stageGpuLagMs?: number | null;
  /**
   * Other screens of this browser whose stages are silent too (client/display/siblings.ts): they
   * share this stage's process and its one thread, so a silence they share is that thread held.
   */
  siblingsSilent?: number;
}

export type StallVerdict = { kind: 'fine' } | { kind: 'stalled' | 'starved' | 'hung'; why: string };

/** Whether `given` animation frames (one asked a second) over `overMs` are enough to call the document drawn. */
function drawn(given: number, overMs: number): boolean {
  return given >= (overMs / 1000) * PAGE_FRAMES_FOR_STALL;
}

export function stallVerdict(f: StallFacts, times: WatchdogTimes = WATCHDOG_DEFAULTS): StallVerdict {
  const pageDrawn = drawn(f.pageFramesGiven, f.stalledMs);
  const stageGiven = f.stageFramesGiven ?? null;
  const stageDrawn = stageGiven === null || drawn(stageGiven, f.stalledMs);
  const stageLag = f.stageGpuLagMs ?? null;
  const stageGpuBusy = stageLag !== null && stageLag >= GPU_BUSY_MS;
  const pageGpuBusy = f.gpuWaitMs !== null && f.gpuWaitMs >= GPU_BUSY_MS;
  const gpuBusy = pageGpuBusy || stageGpuBusy;
  // Why the stage is taken for starved. Its own frame count is left out once it is silent: that
  // count is its last answer's, as stale as the silence is long.
  const siblings = f.siblingsSilent ?? 0;
  const short = (silent: boolean): string => {
    if (!pageDrawn) return `the browser gave this page only ${f.pageFramesGiven} of the frames it asked for`;
    if (silent && siblings > 0) return siblingsWhy(siblings);
    if (!silent && !stageDrawn) return `the browser gave the stage only ${stageGiven} of the frames it asked for`;
    if (pageGpuBusy) return `the GPU kept this page waiting ${((f.gpuWaitMs ?? 0) / 1000).toFixed(1)} s for a 1-pixel draw`;
    return `the GPU was ${((stageLag ?? 0) / 1000).toFixed(1)} s behind on the stage's own draws at its last answer`;
  };
  const k = times.scale ?? 1;
  const stallMs = times.stallMs * k;
  const starvedMs = times.starvedMs * k;
  const hungMs = Math.max(times.stuckMs * k, times.hungMs ?? 0);
  if (f.silentMs > hungMs) {
    const s = Math.round(f.silentMs / 1000);
    if (pageDrawn && !gpuBusy && siblings === 0) {
      const page = f.gpuWaitMs === null ? '' : `, and the GPU answered it within ${(f.gpuWaitMs / 1000).toFixed(1)} s`;
      const gpu = stageLag === null ? page : `${page}; the GPU was ${(stageLag / 1000).toFixed(1)} s behind on the stage's draws at its last answer`;
      return { kind: 'hung', why: `the stage stopped answering for ${s} s (the browser drew this page meanwhile${gpu})${learnedWhy(hungMs, times.stuckMs * k)}` };
    }
    if (f.silentMs <= starvedMs) return { kind: 'fine' };
    return { kind: 'starved', why: `the stage did not answer for ${s} s, while ${short(true)} (an overloaded machine or GPU)` };
  }
  // Not answering for a while: the case above, once it lasts; a fresh frame is fine.
  if (f.silentMs >= 3000 || f.stalledMs <= stallMs) return { kind: 'fine' };
  const s = Math.round(f.stalledMs / 1000);
  if (pageDrawn && stageDrawn && !gpuBusy) return { kind: 'stalled', why: `the render loop stalled for ${s} s` };
  if (f.stalledMs <= starvedMs) return { kind: 'fine' };
  return { kind: 'starved', why: `no new frame for ${s} s, while ${short(false)} (an overloaded machine or GPU)` };
}

/**
 * The watchdog's decision on a stage whose document loaded but whose channel has not opened:
 * `waitedMs` since it loaded, `pageFramesGiven` of the one animation frame a second this page asked
 * for meanwhile. Past 45 s it is reloaded if the browser drew this page (the stage's start is stuck);
 * while the page is short of frames too, the machine is starved, and the reload waits for the
 * starved wait (a reload would only load it all again); so it does while `siblingsSilent` other
 * screens of this browser, whose stages share its process, do not answer either (that one thread
 * held: a new document there would start no sooner).
 */
export function startVerdict(waitedMs: number, pageFramesGiven: number, times: WatchdogTimes = WATCHDOG_DEFAULTS, siblingsSilent = 0): StallVerdict {
  const k = times.scale ?? 1;
  const startMs = Math.max(SILENT_MS * k, times.startMs ?? 0);
  if (waitedMs <= startMs) return { kind: 'fine' };
  const s = Math.round(waitedMs / 1000);
  const pageDrawn = drawn(pageFramesGiven, waitedMs);
  if (pageDrawn && siblingsSilent === 0) return { kind: 'hung', why: `the stage did not start in ${s} s${learnedWhy(startMs, SILENT_MS * k)}` };
  if (waitedMs <= Math.max(times.starvedMs * k, startMs)) return { kind: 'fine' };
  const why = pageDrawn ? siblingsWhy(siblingsSilent) : `the browser gave this page only ${pageFramesGiven} of the frames it asked for`;
  return { kind: 'starved', why: `the stage did not start in ${s} s, while ${why} (an overloaded machine)` };
}

/** The watchdog looks every this long (client/display/relay.ts). */
export const WATCH_EVERY_MS = 1000;
/** Lateness of the watchdog's own timer past which this page counts as frozen meanwhile. */
export const FROZEN_SLACK_MS = 2000;

/**
 * How long this page itself did not run between two looks of the watchdog, `prevAt` and `now`
 * (monotonic ms): 0 when its timer came about on time. A page frozen with its machine (asleep,
 * suspended, its process descheduled on a starved machine) cannot have heard its stage, so that
 * time is not counted against the stage: it is not "stopped answering" for the time its page was
 * away. The time up to FROZEN_SLACK_MS late still counts (a busy page, not a frozen one).
 */
export function frozenMs(prevAt: number, now: number, everyMs = WATCH_EVERY_MS): number {
  const late = now - prevAt - everyMs;
  return late > FROZEN_SLACK_MS ? late : 0;
}
