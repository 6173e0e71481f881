/**
 * The soak's screens: one small page (320×180 by default) per paired screen, as tabs of one
 * Chromium (the issue's set-up, and a kiosk browser driving several outputs), or spread over
 * `browsers` Chromiums (a display computer per group of outputs; one per screen is a venue's
 * set-up, and 16 of them are more than this 2-core machine starts).
 *
 * What tabs of one browser share, and why it matters:
 * - its GPU process: their stages queue behind each other there while their display pages, which
 *   draw almost nothing, still get their frames; the stage watchdog tells that from a stall by the
 *   page's own GPU fence (client/display/gpu-probe.ts);
 * - ONE renderer process for all their stages: Chromium reuses a process for same-site subframes
 *   across tabs, and every stage is on the stage origin. One main thread then runs every stage, and
 *   Chromium keeps at most 16 live WebGL contexts per renderer process (each stage's canvas, and one
 *   more for troika's glyph atlas once a stage has shown text): past that it evicts the oldest, and
 *   stages report "WebGL context lost". `npm run screen` gives each screen a profile, so a
 *   browser, of its own.
 *
 * Reads heaps through the DevTools protocol after a forced GC (the live heap) in two walks of their
 * own, side by side, each one target at a time (a forced GC of sixteen starved renderers at once
 * does not come back within a sampling period): one over each tab's display page, one over each
 * browser's stage process, through its first tab's stage frame (its other tabs' stages live in that
 * process and heap). Samples each
 * tab's frame rate from window.__pavilion.framesRendered (the display page's diagnostics, a mirror
 * of the stage frame's), and counts what goes wrong: uncaught page errors, crashes, console
 * errors, socket.io connections after the first (reconnections) and reloads of the page.
 */
import type { Browser, BrowserContext, CDPSession, Frame, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium';
import { traceAudio, type AudioThreadTrace } from './audio-trace';
import { writeHeapSnapshot } from './heap-snapshot';
import { percentileSorted } from '../lib/stats';

export interface TabSample {
  screenId: string;
  /**
   * Live JS heap of the display page's renderer, MB, as the heap walk last read it since the
   * previous sample; null when it read none in that time.
   */
  heapMB: number | null;
  /**
   * Live JS heap of the stage process, MB, on the first tab of each browser only (the process of
   * all that browser's stages), as the walk last read it since the previous sample.
   */
  stageHeapMB?: number | null;
  /** Animation frames per second since the previous sample; null without window.__pavilion. */
  fps: number | null;
  /** How far behind the GPU was on the stage's screen context (window.__pavilion.gpuLagMs), ms; null where it did not say. */
  gpuLagMs?: number | null;
  /**
   * The stage's Web Audio census (AUDIO_CENSUS, counted since the stage loaded): sources started
   * and not ended yet (notes sounding, or never stopped), sources started, nodes made through the
   * context's factory methods, convolvers among them. Null when the stage did not answer in time.
   */
  audio?: AudioCensus | null;
  installationId: string | null;
}

export interface TabCounters {
  screenId: string;
  pageErrors: number;
  crashes: number;
  consoleErrors: number;
  /** socket.io WebSocket connections the page (or its workers) opened after the run began. */
  reconnections: number;
  /** Responses with a status ≥ 400 (their addresses go to the examples). */
  failedRequests: number;
  /** Loads of the display page after the first (screen.reload, or a page that reloaded itself). */
  reloads: number;
  examples: string[];
  /** The longest animation frames (tasks) of the page and its stage, LONG_FRAMES' reports: the 20 longest. */
  longFrames?: LongFrame[];
}

/** One long animation frame of a page or its stage (LONG_FRAMES): when it was seen (s since the bench started), how long, what ran. */
export interface LongFrame {
  atS: number;
  ms: number;
  text: string;
}

/** When the bench started (this module's load): the long frames' times count from it. */
const openedAt = Date.now();
/** Frames this long or longer are reported by LONG_FRAMES. */
const LONG_FRAME_MS = 3000;
/**
 * Injected in every frame (the display page and its stage): reports each animation frame of
 * LONG_FRAME_MS or more (Chromium's long-animation-frame entries: the task that held the thread,
 * with its longest scripts: how long, who called them, which function at which place in which
 * chunk). A stage that stops answering for 45 s holds its thread that long; this says with what,
 * once the task ends (a stage reloaded in the middle of it reports nothing).
 */
const LONG_FRAMES = `(() => {
  if (typeof PerformanceObserver === 'undefined' || !(PerformanceObserver.supportedEntryTypes || []).includes('long-animation-frame')) return;
  const where = location.pathname;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration < ${LONG_FRAME_MS}) continue;
      const scripts = (e.scripts || []).slice().sort((a, b) => b.duration - a.duration).slice(0, 3)
        .map((s) => Math.round(s.duration) + ' ms ' + s.invokerType + ' ' + s.invoker + ' in ' + (s.sourceFunctionName || '?') + ' ' + (s.sourceURL || '').replace(/^.*\\//, '') + ':' + s.sourceCharPosition);
      const render = e.renderStart ? Math.round(e.startTime + e.duration - e.renderStart) : 0;
      console.warn('[soak:long-frame] ' + where + ' ' + Math.round(e.duration) + ' ms (blocking ' + Math.round(e.blockingDuration) + ', rendering ' + render + '); ' + (scripts.join(' | ') || 'no script'));
    }
  }).observe({ type: 'long-animation-frame' });
})();`;

type Diag = { framesRendered: number; installationId: string | null; gpuLagMs?: number | null };

export interface AudioCensus {
  live: number;
  started: number;
  created: number;
  convolvers: number;
  /**
   * The stage's audio contexts (made through the page's AudioContext, which the census wraps): each
   * one's state, its clock (s: whether it advances between samples says whether the device still
   * pulls it), Chromium's playbackStats (underruns: render callbacks the audio thread missed), and
   * the 'error' events and state changes it had. Read when the census is read.
   */
  contexts?: Array<{ state: string; time: number; underruns: number | null; underrunS: number | null; errors: number; changes: string[] }>;
}
/**
 * Injected in every stage frame: counts the Web Audio work the stage does (the soak's bulk failures
 * begin with the sounding screens' audio threads running away: docs/performance.md, session 17).
 */
const AUDIO_CENSUS = `if (location.pathname === '/stage') {
  const w = window; const a = w.__benchAudio = { live: 0, started: 0, created: 0, convolvers: 0 };
  const S = w.AudioScheduledSourceNode;
  if (S) { const start = S.prototype.start; S.prototype.start = function (...x) { a.started++; a.live++; this.addEventListener('ended', () => { a.live--; }, { once: true }); return start.apply(this, x); }; }
  const list = [];
  const A = w.AudioContext;
  if (A) {
    w.AudioContext = class extends A {
      constructor(...x) {
        super(...x);
        const me = { ctx: this, errors: 0, changes: [] };
        list.push(me);
        this.addEventListener('error', () => { me.errors++; });
        this.addEventListener('statechange', () => { me.changes.push(this.state + '@' + Math.round(performance.now() / 1000)); if (me.changes.length > 6) me.changes.shift(); });
      }
    };
  }
  Object.defineProperty(a, 'contexts', { enumerable: true, get: () => list.map((m) => { const st = m.ctx.playbackStats; return { state: m.ctx.state, time: m.ctx.currentTime, underruns: st ? st.underrunEvents : null, underrunS: st ? st.underrunDuration : null, errors: m.errors, changes: m.changes.slice() }; }) });
  const B = w.BaseAudioContext;
  if (B) for (const k of Object.getOwnPropertyNames(B.prototype)) {
    if (!/^create/.test(k) || k === 'createPeriodicWave' || k === 'createBuffer') continue;
    const d = Object.getOwnPropertyDescriptor(B.prototype, k);
    if (!d || typeof d.value !== 'function') continue;
    const f = d.value;
    B.prototype[k] = function (...x) { a.created++; if (k === 'createConvolver') a.convolvers++; return f.apply(this, x); };
  }
}`;
type W = Window & { __pavilion?: Diag };

class Tab {
  readonly c: TabCounters;
  private sockets = 0;
  /** Sockets open when the run began (the page's own and its clock worker's). */
  private baseline: number | null = null;
  private loads = 0;
  private last: { t: number; frames: number } | null = null;
  /** The heap walk's readings not yet handed to a sample, MB. */
  private freshHeapMB: number | null = null;
  private freshStageHeapMB: number | null = null;
  /** Readings that failed or timed out (a renderer mid-reload, or starved). */
  heapMisses = 0;
  /** How long each reading took, ms, missed ones included: the display page's, and the stage process's. */
  readonly readingMs: { page: number[]; stage: number[] } = { page: [], stage: [] };
  private readonly pageHeap: HeapReader;
  private stageHeap: { frame: Frame; reader: HeapReader } | null = null;
  /** The session the stage process's snapshots are taken over, kept open between them (heap-snapshot.ts). */
  private stageSnapshots: { frame: Frame; session: Promise<CDPSession> } | null = null;
  constructor(
    readonly screenId: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    this.c = { screenId, pageErrors: 0, crashes: 0, consoleErrors: 0, reconnections: 0, failedRequests: 0, reloads: 0, examples: [] };
    this.pageHeap = new HeapReader(() => context.newCDPSession(page));
    const example = countPageFailures(page, this.c);
    page.on('console', (m) => {
      const long = /^\[soak:long-frame\] (\S+) (\d+) ms (.*)$/.exec(m.text());
      if (long) {
        const list = (this.c.longFrames ??= []);
        list.push({ atS: Math.round((Date.now() - openedAt) / 1000), ms: Number(long[2]), text: `${long[1]} ${long[3]}`.slice(0, 400) });
        list.sort((a, b) => b.ms - a.ms);
        list.length = Math.min(list.length, 20);
        return;
      }
      if (m.type() !== 'error') return;
      this.c.consoleErrors++;
      example(`console: ${m.text()} (${m.location().url.replace(/key=[^&]+/, 'key=…') || 'no address'})`);
    });
    page.on('websocket', (ws) => {
      if (!ws.url().includes('/socket.io/')) return;
      this.sockets++;
      if (this.baseline !== null) this.c.reconnections = this.sockets - this.baseline;
    });
    page.on('load', () => {
      if (this.loads++ > 0) this.c.reloads++;
    });
  }

  /** From now on, every socket.io connection the page opens is a reconnection. */
  markBaseline(): void {
    this.baseline = this.sockets;
  }

  /**
   * One heap reading (forced GC, then the live heap) of the display page, kept for the next sample;
   * it gives up after `timeoutMs`.
   */
  async readPageHeap(timeoutMs: number): Promise<void> {
    const t0 = performance.now();
    const page = await this.pageHeap.read(timeoutMs);
    this.readingMs.page.push(performance.now() - t0);
    if (page === null) this.heapMisses++;
    else this.freshHeapMB = page / 1048576;
  }

  /** One heap reading of the stage frame's process (the process of all this browser's stages). */
  async readStageHeap(timeoutMs: number): Promise<void> {
    const frame = this.stageFrame();
    if (this.stageHeap && this.stageHeap.frame !== frame) {
      // the stage frame was replaced (a remounted stage): its session went with it
      this.stageHeap.reader.close();
      this.stageHeap = null;
    }
    if (frame && !this.stageHeap) this.stageHeap = { frame, reader: new HeapReader(() => this.context.newCDPSession(frame)) };
    const t0 = performance.now();
    const heap = this.stageHeap ? await this.stageHeap.reader.read(timeoutMs) : null;
    this.readingMs.stage.push(performance.now() - t0);
    if (heap === null) this.heapMisses++;
    else this.freshStageHeapMB = heap / 1048576;
  }

  /** Lets go of the heap walk's DevTools sessions. */
  closeHeapReaders(): void {
    this.pageHeap.close();
    this.stageHeap?.reader.close();
    this.stageHeap = null;
    this.closeStageSnapshots();
  }

  private closeStageSnapshots(): void {
    const s = this.stageSnapshots;
    this.stageSnapshots = null;
    s?.session.then((x) => x.detach()).catch(() => {});
  }

  /** Writes a heap snapshot of the stage frame's process to `file`; says what it wrote, or why it could not. */
  async snapshotStage(file: string): Promise<string> {
    const frame = this.stageFrame();
    if (!frame) return `${this.screenId}: no stage frame to snapshot`;
    if (this.stageSnapshots && this.stageSnapshots.frame !== frame) this.closeStageSnapshots(); // a remounted stage
    const kept = (this.stageSnapshots ??= { frame, session: this.context.newCDPSession(frame) });
    try {
      const { bytes, note } = await writeHeapSnapshot(await kept.session, file);
      return `${this.screenId}'s stage process: ${(bytes / 1048576).toFixed(1)} MB snapshot in ${file} (${note.continuesPrevious ? 'ids continue the previous one' : 'ids start afresh'})`;
    } catch (e) {
      if (this.stageSnapshots === kept) this.closeStageSnapshots(); // the next one opens another
      return `${this.screenId}: no stage snapshot (${(e as Error).message})`;
    }
  }

  /** The display page's stage frame (its one subframe), if it has one now. */
  private stageFrame(): Frame | undefined {
    return this.page.frames().find((f) => f !== this.page.mainFrame());
  }

  async sample(stage: boolean): Promise<TabSample> {
    const heapMB = this.freshHeapMB;
    const stageHeapMB = this.freshStageHeapMB;
    this.freshHeapMB = this.freshStageHeapMB = null;
    let fps: number | null = null;
    let installationId: string | null = null;
    let gpuLagMs: number | null = null;
    try {
      const d = await this.page.evaluate(() => {
        const p = (window as unknown as W).__pavilion;
        return p ? { t: performance.now(), frames: p.framesRendered, installationId: p.installationId, gpuLagMs: p.gpuLagMs ?? null } : null;
      });
      if (d) {
        if (this.last && d.t > this.last.t && d.frames >= this.last.frames) fps = ((d.frames - this.last.frames) * 1000) / (d.t - this.last.t);
        this.last = { t: d.t, frames: d.frames };
        installationId = d.installationId;
        gpuLagMs = d.gpuLagMs;
      }
    } catch {
      // a page mid-reload: no figure this time
    }
    const frame = this.stageFrame();
    const audio = frame
      ? await withTimeout(
          frame.evaluate(() => (window as unknown as { __benchAudio?: AudioCensus }).__benchAudio ?? null).catch(() => null),
          2000,
        )
      : null;
    return { screenId: this.screenId, heapMB, ...(stage ? { stageHeapMB } : {}), fps, installationId, gpuLagMs, audio };
  }
}

/**
 * Counts a page's uncaught errors, crashes and failed responses (status ≥ 400, pairing keys hidden)
 * into `c`, with a few examples; returns the function that adds an example.
 */
export function countPageFailures(page: Page, c: TabCounters): (s: string) => void {
  const example = (s: string) => {
    if (c.examples.length < 5 && !c.examples.includes(s)) c.examples.push(s.slice(0, 300));
  };
  page.on('pageerror', (e) => {
    c.pageErrors++;
    example(`page error: ${e.message}`);
  });
  page.on('crash', () => {
    c.crashes++;
    example('the page crashed');
  });
  page.on('response', (res) => {
    if (res.status() < 400) return;
    c.failedRequests++;
    example(`${res.status()} ${res.url().replace(/key=[^&]+/, 'key=…')}`);
  });
  return example;
}

function withTimeout<T>(p: Promise<T | null>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * Reads one DevTools target's live heap: a forced full GC, then Runtime.getHeapUsage, both sent at
 * once (a session runs its commands in order, so the reading follows the collection) over a session
 * kept open between readings. A starved renderer answers each message only between its long
 * frames, so an attach, two commands and a detach per reading took several of its turns; now it
 * takes one or two. A reading that times out is given up, but its session is kept (a starved
 * renderer answers late, not never), because every session that ends makes V8 renumber the
 * process's objects (heap-snapshot.ts); one that fails is dropped, and the next reading opens another.
 */
export class HeapReader {
  private session: Promise<CDPSession> | null = null;
  constructor(private readonly open: () => Promise<CDPSession>) {}

  /** The live heap after a full GC, bytes; null when it cannot be read within `timeoutMs` (a page mid-reload, a starved renderer). */
  async read(timeoutMs: number): Promise<number | null> {
    const session = (this.session ??= this.open());
    const reading = (async () => {
      const s = await session;
      const [, usage] = await Promise.all([s.send('HeapProfiler.collectGarbage'), s.send('Runtime.getHeapUsage')]);
      return usage.usedSize;
    })().catch(() => {
      if (this.session === session) this.close(); // a late failure too
      return null;
    });
    return withTimeout(reading, timeoutMs);
  }

  close(): void {
    const s = this.session;
    this.session = null;
    s?.then((x) => x.detach()).catch(() => {});
  }
}

/** How the heap walk went (Tabs.heapWalk). */
export interface HeapWalk {
  /** Seconds each whole round of the pages' walk (every display page once) took. */
  pageRoundS: number[];
  /** Seconds between two readings of one stage process (each browser's is walked on its own), all of them. */
  stageRoundS: number[];
  pageReadingMs: Spread;
  stageReadingMs: Spread;
}
export interface Spread {
  n: number;
  median: number;
  p90: number;
  max: number;
}
function spread(v: number[]): Spread {
  const s = Float64Array.from(v).sort();
  const at = (p: number) => Math.round(percentileSorted(s, p));
  return { n: s.length, median: at(50), p90: at(90), max: at(100) };
}

export class Tabs {
  private walking = false;
  /** Seconds each whole round of the pages' walk took, and between two readings of one stage process. */
  private readonly roundS: { page: number[]; stage: number[] } = { page: [], stage: [] };
  private walk: Promise<void> | null = null;
  private constructor(
    private readonly browsers: Browser[],
    private readonly tabs: Tab[],
    /** The first tab of each browser: the one through which its stage process is read. */
    private readonly firsts: ReadonlySet<Tab>,
  ) {}

  /**
   * Opens one page per screen at `urls` (screen id → its paired display address), spread over
   * `browsers` Chromiums in blocks of consecutive screens: a wall's screens together, as on a
   * machine that drives a wall's outputs (tabs of one browser context each: one HTTP and code cache,
   * as a kiosk browser would have). Not in turn: the tabs of one browser share one stage process
   * (one main thread for their pieces), and dealt in turn, the first screen of every wall, the one
   * that plays its wall's sound, all landed in the first browser's. Waits until every page renders,
   * for up to `timeoutMs` (a busy machine loads 16 three.js pages slowly). `browserArgs` go to every
   * Chromium after the kiosk's flags (bench:soak's --js-flags).
   */
  static async open(urls: Map<string, string>, viewport: { width: number; height: number }, log: (s: string) => void, browsers = 1, timeoutMs = 600_000, browserArgs: readonly string[] = []): Promise<Tabs> {
    const opened: Browser[] = [];
    const contexts: BrowserContext[] = [];
    const tabs: Tab[] = [];
    const firsts = new Set<Tab>();
    try {
      let i = 0;
      for (const [screenId, url] of urls) {
        const k = Math.floor((i++ * browsers) / urls.size);
        let context = contexts[k];
        const first = !context;
        if (!context) {
          const browser = await launchChromium(browserArgs);
          opened.push(browser);
          context = await browser.newContext({ viewport });
          // tsx (esbuild keepNames) wraps functions in __name(); give the page a no-op one.
          await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
          await context.addInitScript({ content: AUDIO_CENSUS });
          await context.addInitScript({ content: LONG_FRAMES });
          contexts[k] = context;
        }
        const page = await context.newPage();
        const tab = new Tab(screenId, context, page);
        if (first) firsts.add(tab);
        await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
        tabs.push(tab);
      }
      const until = Date.now() + timeoutMs;
      for (;;) {
        const up = await Promise.all(tabs.map((t) => t.page.evaluate(() => ((window as unknown as W).__pavilion?.framesRendered ?? 0) > 5).catch(() => false)));
        const n = up.filter(Boolean).length;
        if (n === tabs.length) break;
        if (Date.now() > until) throw new Error(`bench:soak: only ${n} of ${tabs.length} tabs rendered within ${timeoutMs / 1000} s (not rendering: ${tabs.filter((_, i) => !up[i]).map((t) => t.screenId).join(', ')})`);
        log(`${n}/${tabs.length} tabs rendering…`);
        await new Promise((r) => setTimeout(r, 10_000));
      }
    } catch (e) {
      await Promise.all(opened.map((b) => b.close().catch(() => {})));
      throw e;
    }
    return new Tabs(opened, tabs, firsts);
  }

  /**
   * One sample of every tab, all at once: a tab whose main thread is busy with a slow frame
   * answers late, and one after the other, 16 such tabs would take longer than the sampling
   * period. A tab that does not answer within `timeoutMs` gives no figures this time.
   */
  async sample(timeoutMs = 30_000): Promise<TabSample[]> {
    return Promise.all(
      this.tabs.map((t) => {
        const stage = this.firsts.has(t);
        const none: TabSample = { screenId: t.screenId, heapMB: null, ...(stage ? { stageHeapMB: null } : {}), fps: null, installationId: null };
        return withTimeout(t.sample(stage), timeoutMs).then((s) => s ?? none);
      }),
    );
  }

  /**
   * Starts the heap walks until stopHeapWalk(): one over the display pages, one target at a time,
   * and one for each browser's stage process (through its first tab), side by side, round and
   * round, each reading given up after `perTargetTimeoutMs`. A reading goes into its tab's next
   * sample. Side by side, because a starved stage process takes tens of seconds to answer (session
   * 26): in one walk, the pages waited for it, and got 3 readings in a 10-minute run, too few to
   * tell a growing heap from one reading's noise.
   */
  startHeapWalk(perTargetTimeoutMs = 60_000): void {
    if (this.walking) return;
    this.walking = true;
    const walk = async (targets: Tab[], read: (t: Tab) => Promise<void>, rounds: number[]) => {
      while (this.walking) {
        const t0 = performance.now();
        for (const t of targets) if (this.walking) await read(t);
        if (this.walking) rounds.push((performance.now() - t0) / 1000);
      }
    };
    this.walk = Promise.all([
      walk(this.tabs, (t) => t.readPageHeap(perTargetTimeoutMs), this.roundS.page),
      // Each browser's stage process in a walk of its own: they are separate processes, and a
      // reading mostly waits for its process's main thread to finish a frame (23 s median when
      // starved), which costs the other processes nothing. One after the other, a round of the four
      // took 66–150 s, and a 10-minute run read each only 4 or 5 times after the warm-up (session 30).
      ...this.tabs.filter((t) => this.firsts.has(t)).map((t) => walk([t], (x) => x.readStageHeap(perTargetTimeoutMs), this.roundS.stage)),
    ]).then(() => {
      for (const t of this.tabs) t.closeHeapReaders();
    });
  }

  /** How the heap walks went: how long each whole round took, and each reading (missed ones included). */
  heapWalk(): HeapWalk {
    const tenths = (v: number[]) => v.map((x) => Math.round(x * 10) / 10);
    return {
      pageRoundS: tenths(this.roundS.page),
      stageRoundS: tenths(this.roundS.stage),
      pageReadingMs: spread(this.tabs.flatMap((t) => t.readingMs.page)),
      stageReadingMs: spread(this.tabs.flatMap((t) => t.readingMs.stage)),
    };
  }

  /** A Chromium trace of every browser for `ms`: what each audio thread renders (audio-trace.ts). */
  traceAudio(ms: number): Promise<AudioThreadTrace[]> {
    return traceAudio(this.browsers, ms);
  }

  /** A heap snapshot of each browser's stage process (through its first tab), one after the other, into `dir`; what each wrote. */
  async snapshotStages(dir: string, label: string): Promise<string[]> {
    const said: string[] = [];
    for (const t of this.tabs) if (this.firsts.has(t)) said.push(await t.snapshotStage(`${dir}/${t.screenId}-${label}.heapsnapshot`));
    return said;
  }

  async stopHeapWalk(): Promise<void> {
    this.walking = false;
    await this.walk;
  }

  /** Heap readings that failed or timed out, per screen. */
  heapMisses(): Record<string, number> {
    return Object.fromEntries(this.tabs.map((t) => [t.screenId, t.heapMisses]));
  }

  /** The run begins: sockets opened from now on are reconnections. */
  markBaseline(): void {
    for (const t of this.tabs) t.markBaseline();
  }

  counters(): TabCounters[] {
    return this.tabs.map((t) => ({ ...t.c, examples: [...t.c.examples] }));
  }

  async close(): Promise<void> {
    await Promise.all(this.browsers.map((b) => b.close().catch(() => {})));
  }
}
