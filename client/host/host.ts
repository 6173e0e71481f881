import type { DisplayPreloaded, PieceError } from '../../protocol';
import { FrameClock } from './frame-clock';
import { VisitorFeed } from './visitor-feed';
import { ErrorLog, type ErrorReport, type HostError } from './errors';
import { captureErrors, type ErrorTarget } from './capture';
import { describeStray } from './stray';
import { Switcher, type ActivePiece } from './switcher';
import { ScheduledParams } from './params';
import { advanceShowTime, createShowTime, type Timing } from './timeline';
import type { RunShared } from './runtime';
import type { QualityLevel } from './quality';
import { HostRenderers } from './renderers';
import { readMemory, type GpuMemory, type RendererLike } from './memory';
import type { Program } from './program';
import { mixAt, transitionProgress, type TransitionInfo, type TransitionSpec } from './transition';
import { DEFAULT_WARM_LIMITS, type WarmCacheLimits } from './warm-cache';
import { WarmRuns } from './warm-runs';
import type { HostListener, HostOptions, HostSnapshot, Run } from './host-types';

export type { HostListener, HostOptions, HostSnapshot, Run };

/**
 * The piece host: one per page, framework-free. It takes the show's program for its screens
 * (setProgram) and is driven once per frame (frame). It preloads the next run, switches on the
 * frame whose own show time reaches the run's start, applies params and pause on their show times,
 * feeds visitors, builds the runtime pieces read, and contains failures (the fallback replaces a
 * piece that broke; the error is logged and sent).
 */
export class PieceHost {
  readonly clock: FrameClock;
  readonly visitors = new VisitorFeed();
  readonly errors: ErrorLog;
  lastSwitch: { installationId: string | null; showTime: number } | null = null;
  lastPreload: DisplayPreloaded | null = null;
  private readonly switcher: Switcher;
  private readonly params = new ScheduledParams();
  private program: Program | null = null;
  private run: (Run & { timing: Timing }) | null = null;
  private incoming: (Run & { timing: Timing }) | null = null;
  private outgoing: { run: Run & { timing: Timing }; spec: TransitionSpec; heldMs: number } | null = null;
  private transitionNow: (TransitionInfo & { spec: TransitionSpec }) | null = null;
  private spec: TransitionSpec | null = null;
  /** Which screens warmed which run; the runs kept dormant in the bounded warm cache. */
  private readonly warm: WarmRuns<Run>;
  private readonly now: () => number;
  /** The last warm-up: how long, and how late its switch came after the run's start (show ms). */
  lastWarm: { installationId: string; ms: number; cold: boolean; lateMs: number | null } | null = null;
  private progress: HostSnapshot['progress'] = null;
  private snap: HostSnapshot;
  private readonly listeners = new Set<HostListener>();
  private readonly renderers = new HostRenderers();
  private readonly strays = new Set<string>();

  constructor(private readonly opts: HostOptions) {
    this.clock = new FrameClock(opts.toShowTime, opts.timeOrigin);
    this.errors = new ErrorLog({
      limit: opts.errorLimit ?? 50,
      label: opts.label ?? '[pavilion]',
      ...(opts.sendError ? { send: opts.sendError } : {}),
      ...(opts.warn ? { warn: opts.warn } : {}),
    });
    const now = opts.now ?? (() => performance.now());
    this.now = now;
    this.warm = new WarmRuns(opts.warmCache ?? DEFAULT_WARM_LIMITS);
    this.switcher = new Switcher({
      needsWarm: () => this.renderers.any,
      pieces: opts.pieces,
      showTime: () => this.clock.showTime,
      now,
      timers: opts.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
      onProgress: (installationId, progress) => this.setProgress({ installationId, progress }),
      // Without a screen to warm on (no renderer), the module load is the whole warm-up.
      onPreloaded: (t, ms, cold) => (this.renderers.any ? undefined : this.preloaded({ installationId: t.installationId!, version: t.version, ms, cold })),
      onLoadError: (t, error) => this.report({ installationId: t.installationId, version: t.version, phase: 'load', error }),
    });
    this.snap = this.makeSnapshot();
  }

  /** The show's program for this host's screens (null: none, the run on screen stays). */
  setProgram(program: Program | null): void {
    this.program = program;
    this.switcher.setTarget(program?.target ?? null);
    const run = this.run;
    if (program && run && program.target?.key === run.key) this.params.schedule(program.params, program.paramsAt, this.clock.showTime);
    this.changed(false);
  }

  getProgram(): Program | null {
    return this.program;
  }

  /** Once per frame, before pieces run, with the frame's rAF timestamp. */
  frame(timestamp: number): void {
    const showTime = this.clock.tick(timestamp);
    this.visitors.advance();
    this.prepareIncoming();
    const target = this.program?.target ?? null;
    const switched = this.switcher.frame(showTime);
    if (switched !== undefined) this.switchTo(switched, showTime, target?.key === switched?.key ? target?.transition : undefined);
    if (this.params.frame(showTime)) this.changed(true);
    const run = this.run;
    const p = this.program;
    if (run) {
      if (p && p.target?.key === run.key) run.timing = { startedAt: run.startedAt, pausedAt: p.pausedAt, heldMs: p.heldMs };
      advanceShowTime(run.shared.time, run.timing, showTime);
    }
    this.advanceTransition(showTime);
    if (this.clock.count % 60 === 0) this.trimCache();
    this.clock.notify();
  }

  /** The transition on screen now (running, or held by a pause), or null. */
  transition(): TransitionInfo | null {
    const t = this.transitionNow;
    return t ? { from: t.from, to: t.to, type: t.type, progress: t.progress } : null;
  }

  /** How the runs mix on this frame (the compositor and the sound read it): null when one run plays alone. */
  mix(): { type: TransitionSpec['type']; progress: number; outgoing: Run | null; incoming: Run | null } & ReturnType<typeof mixAt> | null {
    const t = this.transitionNow;
    if (!t) return null;
    return { ...mixAt(t.type, t.progress), type: t.type, progress: t.progress, outgoing: this.outgoing?.run ?? null, incoming: this.run };
  }

  /**
   * The mount layer built run `key` off-screen on `screen`: mounted, its resources loaded, its
   * materials compiled, its sound silent. Once every screen of this host has, the run may switch
   * (and its whole warm-up time goes to the server, which sizes the play lead on it).
   */
  warmed(key: string, screen: string): void {
    if (!this.warm.warmedOnAll(key, screen, this.screens())) return;
    const next = this.switcher.next();
    if (next && next.target.key === key) {
      if (!this.switcher.markWarm(key)) return;
      const ms = this.now() - next.since;
      this.lastWarm = { installationId: next.target.installationId!, ms, cold: next.cold, lateMs: null };
      this.preloaded({ installationId: next.target.installationId!, version: next.target.version, ms, cold: next.cold });
      this.changed(false);
      return;
    }
    const kept = this.warm.find(key);
    const since = kept ? this.warm.takeAhead(key) : undefined;
    if (since !== undefined && kept) {
      this.preloaded({ installationId: kept.installationId, version: kept.version, ms: this.now() - since, cold: true });
    }
  }

  /** Whether run `key` has been warmed on `screen` already (the mount layer warms each run once). */
  isWarm(key: string, screen: string): boolean {
    return this.warm.isWarm(key, screen);
  }

  /**
   * Warms a piece ahead of its cue (the cue list's next cue, the schedule's next entry): mounted
   * dormant off-screen and kept in the cache, so that its programs are compiled when it plays.
   */
  warmAhead(a: { installationId: string; version: string | null; moduleUrl: string | null }): void {
    const piece = `${a.installationId}@${a.version ?? '?'}`;
    if (this.warm.has(piece) || this.run?.installationId === a.installationId || this.incoming?.installationId === a.installationId) return;
    const since = this.now();
    void this.opts.pieces.load(a.installationId, a.moduleUrl).then(
      (module) => {
        if (this.warm.has(piece)) return;
        const key = `ahead:${piece}`;
        const run = this.startRun({ key, installationId: a.installationId, version: a.version ?? module.manifest.version ?? '?', startedAt: this.clock.showTime, seed: key, module, failed: false });
        this.warm.aheadStarted(key, since);
        this.keep(run);
      },
      () => undefined, // it is reported when it plays
    );
  }

  /**
   * New bounds for the warm cache (count 0: a stopped piece is disposed of at once, as before the
   * cache): a screen machine short of GPU memory, or a test that needs every run gone.
   */
  setWarmLimits(limits: WarmCacheLimits): void {
    if (this.warm.resize(limits)) this.changed(false);
  }

  /** The cache of warm pieces, for diagnostics. */
  warmCache(): { pieces: string[]; limit: WarmCacheLimits } {
    return this.warm.diagnostics();
  }

  private prepareIncoming(): void {
    const next = this.switcher.next();
    if (!next || next.target.installationId === null) {
      if (this.incoming && this.incoming.key !== this.run?.key) {
        this.incoming = null;
        this.changed(false);
      }
      return;
    }
    if (this.incoming?.key === next.target.key) return;
    const t = next.target;
    this.incoming = this.startRun({ key: t.key, installationId: t.installationId!, version: t.version ?? next.module.manifest.version ?? '?', startedAt: t.startedAt, seed: t.seed, module: next.module, failed: false });
    this.changed(false);
  }

  private switchTo(switched: ActivePiece | null, showTime: number, spec: TransitionSpec | undefined): void {
    const prev = this.run;
    const inc = this.incoming;
    this.run = switched ? (inc && inc.key === switched.key && !!switched.module === !!inc.module ? inc : this.startRun(switched)) : null;
    if (inc && this.run === inc && inc.failed) this.switcher.fail(inc.key);
    this.incoming = null;
    if (this.outgoing) this.keep(this.outgoing.run);
    this.outgoing = null;
    this.transitionNow = null;
    // A transition from nothing fades the run in from black; to nothing (a stop) is a cut.
    this.spec = spec && this.run ? spec : null;
    if (prev && spec && prev !== this.run) {
      this.outgoing = { run: prev, spec, heldMs: prev.timing.heldMs };
    } else if (prev && prev !== this.run) this.keep(prev);
    if (this.run) {
      this.warm.touch(this.run);
      if (this.lastWarm && this.lastWarm.installationId === this.run.installationId && this.lastWarm.lateMs === null) this.lastWarm.lateMs = showTime - this.run.startedAt;
    }
    this.params.reset(this.program?.params ?? {});
    this.lastSwitch = { installationId: switched?.installationId ?? null, showTime };
    this.progress = null;
    this.advanceTransition(showTime);
    this.changed(true);
  }

  /** The transition's progress on this frame, from show time; the outgoing run is kept when it ends. */
  private advanceTransition(showTime: number): void {
    const run = this.run;
    const spec = this.spec;
    if (!run || !spec) {
      if (this.transitionNow) {
        this.transitionNow = null;
        this.changed(false);
      }
      return;
    }
    const progress = transitionProgress(spec, run.timing, showTime);
    const o = this.outgoing;
    if (o) {
      const p = this.program;
      o.run.timing = { startedAt: o.run.startedAt, pausedAt: p?.pausedAt ?? null, heldMs: o.heldMs + (p?.heldMs ?? 0) };
      advanceShowTime(o.run.shared.time, o.run.timing, showTime);
    }
    if (progress >= 1) {
      if (o) this.keep(o.run);
      this.outgoing = null;
      this.transitionNow = null;
      this.spec = null;
      this.changed(false);
      return;
    }
    this.transitionNow = { from: o?.run.installationId ?? null, to: run.installationId, type: spec.type, progress, spec };
  }

  /** A run off screen goes to the cache of warm pieces (dormant), pushing out the oldest. */
  private keep(run: Run): void {
    if (run.failed || !run.module || run === this.run || run === this.incoming) return;
    this.warm.keep(run);
    this.changed(false);
  }

  private trimCache(): void {
    const r = this.renderers.first();
    if (!r) return;
    if (this.warm.trim(readMemory(r))) this.changed(false);
  }

  /**
   * Takes the run on screen off: reported once, and the calm fallback in its place. With `key`,
   * only if that run is still the one on screen.
   */
  fail(phase: PieceError['phase'], error: unknown, key?: string, screen?: string): void {
    const inc = this.incoming;
    if (inc && key === inc.key && !inc.failed) {
      // It broke while warming off-screen: it switches on time, to the fallback.
      this.incoming = { ...inc, failed: true };
      this.switcher.markWarm(inc.key);
      this.report({ installationId: inc.installationId, version: inc.version, phase, error, ...(screen ? { screen } : {}) });
      this.changed(false);
      return;
    }
    const kept = key !== undefined ? this.warm.find(key) : undefined;
    if (kept) {
      // A dormant run: dropped from the cache. Only one warmed ahead of its cue is news (a played one had its turn).
      this.warm.drop(kept);
      if (kept.key.startsWith('ahead:')) this.report({ installationId: kept.installationId, version: kept.version, phase, error, ...(screen ? { screen } : {}) });
      this.changed(false);
      return;
    }
    const run = this.run;
    if (!run || !this.switcher.fail(key)) return;
    this.run = { ...run, failed: true };
    this.report({ installationId: run.installationId, version: run.version, phase, error, ...(screen ? { screen } : {}) });
    this.changed(false);
  }

  /** Records an error (and sends it on). */
  report(r: ErrorReport): HostError {
    return this.errors.report(r);
  }

  /** Listens on `target` (the window) for uncaught errors: the piece on screen's, or strays of the audio engine. */
  capture(target: ErrorTarget): () => void {
    return captureErrors(target, {
      uncaught: (error) => this.fail('frame', error),
      stray: (error) => {
        const once = `${this.run?.key ?? ''}|${error.name}`; // once per run: they come in bursts
        if (this.strays.has(once)) return;
        if (this.strays.size > 100) this.strays.clear();
        this.strays.add(once);
        // Filed under the screen, not the piece on screen: it may come from a piece switched off a
        // moment ago (its Tone timers outlive it), and must not blame the one that follows.
        this.report({ installationId: null, version: null, phase: 'audio', error: describeStray(error) });
      },
    });
  }

  /** The quality a screen renders at: the program's setting, or for 'auto' from its GPU and size. */
  qualityFor(renderer: RendererLike, pixels: number): QualityLevel {
    return this.renderers.qualityFor(this.program?.quality, renderer, pixels);
  }

  /** A screen's renderer, for the memory readouts and the warm-up. Returns the function that detaches it. */
  attachRenderer(screen: string, r: RendererLike): () => void {
    return this.renderers.attach(screen, r);
  }

  /** GPU objects alive now in a screen's renderer (the first attached by default); else the last sample. */
  memory(screen?: string): GpuMemory {
    return this.renderers.memory(screen);
  }

  /** Samples the memory for health reports (kept when the renderer goes). */
  sampleMemory(): GpuMemory {
    return this.renderers.sample();
  }

  screens(): string[] {
    return this.renderers.screens();
  }

  snapshot(): HostSnapshot {
    return this.snap;
  }

  subscribe(fn: HostListener): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  private startRun(a: ActivePiece): Run & { timing: Timing } {
    const key = a.key;
    const p = this.program;
    const shared: RunShared = {
      time: createShowTime(a.startedAt),
      visitors: this.visitors.view,
      reportProgress: (loaded, total) => this.setProgress(total > 0 && loaded < total ? { installationId: a.installationId, progress: loaded / total } : null),
      reportError: (phase, error) => void this.report({ installationId: a.installationId, version: a.module?.manifest.version ?? null, phase, error }),
      fail: (phase, error) => this.fail(phase, error, key),
    };
    return { ...a, shared, timing: { startedAt: a.startedAt, pausedAt: p?.pausedAt ?? null, heldMs: p?.heldMs ?? 0 } };
  }

  private preloaded(p: DisplayPreloaded): void {
    this.lastPreload = { ...p };
    try {
      this.opts.sendPreload?.(p);
    } catch {
      /* offline: the server keeps its older estimate */
    }
  }

  private setProgress(progress: HostSnapshot['progress']): void {
    this.progress = progress;
    this.changed(false);
  }

  private makeSnapshot(): HostSnapshot {
    const kept = this.warm.values();
    const prev = this.snap as HostSnapshot | undefined;
    return {
      run: this.run,
      incoming: this.incoming,
      outgoing: this.outgoing?.run ?? null,
      kept: prev && prev.kept.length === kept.length && prev.kept.every((r, i) => r === kept[i]) ? prev.kept : kept,
      params: this.params.values,
      progress: this.progress,
      quality: this.program?.quality ?? 'auto',
    };
  }

  private changed(sync: boolean): void {
    const s = this.snap;
    const next = this.makeSnapshot();
    if (
      s.run === next.run && s.incoming === next.incoming && s.outgoing === next.outgoing && s.kept === next.kept &&
      s.params === next.params && s.progress === next.progress && s.quality === next.quality
    )
      return;
    this.snap = next;
    for (const l of this.listeners) l(sync);
  }
}
