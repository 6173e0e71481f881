import type { DisplayPreloaded, PieceError } from '../../protocol';
import { FrameClock } from './frame-clock';
import { VisitorFeed } from './visitor-feed';
import { ErrorLog, type ErrorReport, type HostError } from './errors';
import { captureErrors, type ErrorTarget } from './capture';
import { StrayOnce, describeStray } from './stray';
import { Switcher, type ActivePiece } from './switcher';
import { ScheduledParams } from './params';
import { advanceShowTime, createShowTime, type Timing } from './timeline';
import type { RunShared } from './runtime';
import type { QualityLevel } from './quality';
import { HostRenderers } from './renderers';
import { readMemory, type GpuMemory, type RendererLike } from './memory';
import type { Program } from './program';
import type { TransitionInfo, TransitionSpec } from './transition';
import { Crossing, type Mix } from './crossing';
import { DEFAULT_WARM_LIMITS, type WarmCacheLimits } from './warm-cache';
import { WarmRuns, pieceOf } from './warm-runs';
import { WarmReports, type LastWarm } from './warm-reports';
import { adoptable, rekey } from './adopt';
import { HostSnapshots } from './snapshot';
import type { HostListener, HostOptions, HostSnapshot, Run } from './host-types';

export type { HostListener, HostOptions, HostSnapshot, Run };

/**
 * How far ahead a run warmed ahead of its cue is put (its real start comes with the cue, when a
 * run adopts it): far enough that it does not count as due while it warms (one that takes longer
 * warms without waiting for its sound), near enough that the notes its sound scheduler pre-rolls
 * for that start (and the audio engine's timers they leave when its graph is let go) do not linger.
 */
export const AHEAD_START_MS = 60_000;

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
  private readonly switcher: Switcher;
  private readonly params = new ScheduledParams();
  private program: Program | null = null;
  private run: (Run & { timing: Timing }) | null = null;
  private incoming: (Run & { timing: Timing }) | null = null;
  /** The transition of the last switch: the run leaving, the progress from show time. */
  private readonly crossing = new Crossing();
  /** Which screens warmed which run; the runs kept dormant in the bounded warm cache. */
  private readonly warm: WarmRuns<Run>;
  /** The warm-up times measured here: sent to the server, the last ones kept for diagnostics. */
  private readonly warmUps: WarmReports;
  private readonly now: () => number;
  /** Piece trees the mount layer has mounted, on every screen of this host (a warm switch adds none). */
  pieceMounts = 0;
  private adoptedKey: string | null = null;
  private slots = 0;
  private progress: HostSnapshot['progress'] = null;
  private readonly snaps: HostSnapshots;
  private readonly renderers = new HostRenderers();
  private readonly strays = new StrayOnce();

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
    this.warmUps = new WarmReports((p) => opts.sendPreload?.(p));
    this.switcher = new Switcher({
      needsWarm: () => this.renderers.any,
      pieces: opts.pieces,
      showTime: () => this.clock.showTime,
      now,
      timers: opts.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
      onProgress: (installationId, progress) => this.setProgress({ installationId, progress }),
      // Without a screen to warm on (no renderer), the module load is the whole warm-up.
      onPreloaded: (t, ms, cold) => (this.renderers.any ? undefined : this.warmUps.preloaded({ installationId: t.installationId!, version: t.version, ms, cold })),
      onLoadError: (t, error) => this.report({ installationId: t.installationId, version: t.version, phase: 'load', error }),
      onReady: (t) => {
        if (!t.gated) return;
        try {
          this.opts.sendReady?.({ key: t.key, startedAt: t.startedAt });
        } catch {
          /* offline: the page sends its last ready again once it is back */
        }
      },
    });
    this.snaps = new HostSnapshots(() => this.makeSnapshot());
  }

  /** The show's program for this host's screens (null: none, the run on screen stays). */
  setProgram(program: Program | null): void {
    this.program = program;
    this.switcher.setTarget(program?.target ?? null);
    const run = this.run;
    if (program && run && program.target?.key === run.key) {
      // Its pause state now, not at the next frame: the next program (another run) may come before
      // it, and then this run leaves with the timing it has (a crossfade times its outgoing picture by it).
      run.timing = { startedAt: run.startedAt, pausedAt: program.pausedAt, heldMs: program.heldMs };
      this.params.schedule(program.params, program.paramsAt, this.clock.showTime);
    }
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

  /**
   * The server's go for run `key`: every connected screen of the wall is ready for it, and it
   * switches on the first frame at or after `at` (show time) and its start (docs/display.md).
   */
  go(key: string, at: number): void {
    this.switcher.go(key, at);
  }

  /** The transition on screen now (running, or held by a pause), or null. */
  transition(): TransitionInfo | null {
    return this.crossing.info();
  }

  /** How the runs mix on this frame (the compositor and the sound read it): null when one run plays alone. */
  mix(): Mix | null {
    return this.crossing.mix(this.run);
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
      this.warmUps.ready({ installationId: next.target.installationId!, version: next.target.version, ms: this.now() - next.since, cold: next.cold }, this.adoptedKey === key);
      this.changed(false);
      return;
    }
    const kept = this.warm.find(key);
    const since = kept ? this.warm.takeAhead(key) : undefined;
    if (since !== undefined && kept) {
      this.warmUps.preloaded({ installationId: kept.installationId, version: kept.version, ms: this.now() - since, cold: true });
      this.changed(false); // no longer warming ahead: its sound graph (on the sounding screen) is let go
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
  warmAhead(a: { installationId: string; version: string | null; moduleUrl: string | null; seed?: string }): void {
    const piece = `${a.installationId}@${a.version ?? '?'}`;
    const have = () => this.warm.holds(piece, a.seed);
    if (have() || this.run?.installationId === a.installationId || this.incoming?.installationId === a.installationId) return;
    const since = this.now();
    void this.opts.pieces.load(a.installationId, a.moduleUrl).then(
      (module) => {
        if (have()) return;
        const key = `ahead:${piece}`;
        // With its wall's seed (program.ts seedOf), the run that plays it adopts it: nothing is built again.
        // Its start is not known: it is put far ahead, so that on the sounding screen its sound
        // scheduler makes its pre-roll (as the run that adopts it will) and then idles.
        const run = this.startRun({ key, installationId: a.installationId, version: a.version ?? module.manifest.version ?? '?', startedAt: this.clock.showTime + AHEAD_START_MS, seed: a.seed ?? key, module, failed: false });
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

  /**
   * The switch in progress, for a technician or a test chasing a screen that does not switch
   * (window.__pavilionStage.switching() in the stage frame): the switcher's state, the runs on
   * screen and incoming, the screens each is warm on, and the frame clock.
   */
  switching() {
    const screens = this.screens();
    const incoming = this.incoming?.key;
    return {
      ...this.switcher.state(),
      holding: this.switcher.holding(this.clock.showTime),
      run: this.run?.key ?? null,
      incoming: this.incoming?.key ?? null,
      incomingWarmOn: incoming ? this.warm.warmOn(incoming, screens) : [],
      screens,
      showTime: this.clock.showTime,
      frames: this.clock.count,
    };
  }

  /** The pieces held warm for this host's wall (its health report: the server's play lead). */
  warmPieces(): string[] {
    return this.warm.warmFor(this.program?.wallId, this.run);
  }

  /** The cache of warm pieces, for diagnostics. */
  warmCache(): { pieces: string[]; limit: WarmCacheLimits } {
    return this.warm.diagnostics();
  }

  /** The last warm-up: how long, how late its switch came, whether its run was adopted (warm-reports.ts). */
  get lastWarm(): LastWarm | null {
    return this.warmUps.last;
  }

  set lastWarm(w: LastWarm | null) {
    this.warmUps.last = w;
  }

  /** The last warm-up time sent to the server. */
  get lastPreload(): DisplayPreloaded | null {
    return this.warmUps.lastSent;
  }

  /**
   * The next run, off-screen before its start. A run of the same piece already mounted (kept warm
   * after it played, warmed ahead of its cue, or warming for a start that has moved) is adopted:
   * re-keyed, not mounted again, so at the switch only its role changes. Else a new mount.
   */
  private prepareIncoming(): void {
    const next = this.switcher.next();
    if (!next || next.target.installationId === null) {
      const inc = this.incoming;
      if (inc && inc.key !== this.run?.key) {
        this.incoming = null;
        this.keep(inc); // called off before its start: kept warm, as a run that played
        this.changed(false);
      }
      return;
    }
    if (this.incoming?.key === next.target.key) return;
    const t = next.target;
    const a: ActivePiece = { key: t.key, installationId: t.installationId!, version: t.version ?? next.module.manifest.version ?? '?', startedAt: t.startedAt, seed: t.seed, module: next.module, failed: false };
    const prior = this.incoming;
    this.incoming = null;
    const adopted = prior && adoptable(prior, a) ? prior : this.warm.take(pieceOf(a), (r) => adoptable(r, a));
    if (prior && prior !== adopted) this.keep(prior); // after the take: keeping it could push out the one adopted
    if (prior && prior === adopted) this.warm.forgetKey(prior.key);
    if (adopted) {
      this.incoming = rekey(adopted, a, this.timingFor(a.startedAt));
      this.adoptedKey = a.key;
    } else this.incoming = this.startRun(a);
    this.changed(false);
  }

  private switchTo(switched: ActivePiece | null, showTime: number, spec: TransitionSpec | undefined): void {
    const prev = this.run;
    const inc = this.incoming;
    this.run = switched ? (inc && inc.key === switched.key && !!switched.module === !!inc.module ? inc : this.startRun(switched)) : null;
    // Mounted and warm on every screen: the compositor draws it from this snapshot, so the switch is
    // a change of roles that the mount layer may render after this frame (nothing to build in it).
    const flip = !!inc && this.run === inc && !inc.failed && this.warm.warmEverywhere(inc.key, this.screens());
    if (inc && this.run === inc && inc.failed) this.switcher.fail(inc.key);
    this.incoming = null;
    if (inc && inc !== this.run) this.keep(inc);
    for (const r of this.crossing.begin(prev, this.run, spec)) this.keep(r);
    if (this.run) {
      this.warm.touch(this.run);
      this.warmUps.switched(this.run, showTime);
    }
    this.params.reset(this.program?.params ?? {});
    this.lastSwitch = { installationId: switched?.installationId ?? null, showTime };
    this.progress = null;
    this.advanceTransition(showTime);
    this.changed(!flip);
  }

  /** The transition's progress on this frame, from show time; the outgoing run is kept when it ends. */
  private advanceTransition(showTime: number): void {
    const { ended, changed } = this.crossing.advance(this.run, this.program, showTime);
    if (ended) this.keep(ended);
    if (changed) this.changed(false);
  }

  /**
   * A run off screen goes to the cache of warm pieces (dormant), pushing out the oldest. One that
   * cannot be kept (it failed, or has no module) is gone: its warm-ups are forgotten with it.
   */
  private keep(run: Run): void {
    if (run === this.run || run === this.incoming) return;
    if (run.failed || !run.module) {
      this.warm.forgetKey(run.key);
      return;
    }
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
    // `key`: a run's key, or its mount's slot (what the mount layer and the run's own runtime know).
    const named = (r: Run) => key !== undefined && (r.key === key || r.slot === key);
    const inc = this.incoming;
    if (inc && named(inc) && !inc.failed) {
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
    if (!run || (key !== undefined && !named(run)) || !this.switcher.fail(key === undefined ? undefined : run.key)) return;
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
        if (!this.strays.first(this.run?.key ?? '', error)) return;
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

  /** How far behind the GPU is on the first screen's context (ms; HostRenderers.gpuLag), or null where it cannot tell. */
  gpuLag(now: number): number | null {
    return this.renderers.gpuLag(now);
  }

  /** Samples the memory for health reports (kept when the renderer goes). */
  sampleMemory(): GpuMemory {
    return this.renderers.sample();
  }

  screens(): string[] {
    return this.renderers.screens();
  }

  snapshot(): HostSnapshot {
    return this.snaps.current();
  }

  subscribe(fn: HostListener): () => void {
    return this.snaps.subscribe(fn);
  }

  /** The mount layer mounted a piece's tree (on one screen): counted for diagnostics. */
  pieceMounted(): void {
    this.pieceMounts++;
  }

  /** A run starting at `startedAt`, with the program's pause state. */
  private timingFor(startedAt: number): Timing {
    const p = this.program;
    return { startedAt, pausedAt: p?.pausedAt ?? null, heldMs: p?.heldMs ?? 0 };
  }

  private startRun(a: ActivePiece): Run & { timing: Timing } {
    const slot = `${a.key}#${++this.slots}`;
    const shared: RunShared = {
      time: createShowTime(a.startedAt),
      visitors: this.visitors.view,
      reportProgress: (loaded, total) => this.setProgress(total > 0 && loaded < total ? { installationId: a.installationId, progress: loaded / total } : null),
      reportError: (phase, error) => void this.report({ installationId: a.installationId, version: a.module?.manifest.version ?? null, phase, error }),
      fail: (phase, error) => this.fail(phase, error, slot), // the slot: the run may be re-keyed (adopted)
    };
    return { ...a, slot, shared, timing: this.timingFor(a.startedAt) };
  }

  private setProgress(progress: HostSnapshot['progress']): void {
    this.progress = progress;
    this.changed(false);
  }

  /** What the bindings render from now (snapshot.ts keeps the previous one while nothing in it differs). */
  private makeSnapshot(): HostSnapshot {
    const kept = this.warm.values();
    return {
      run: this.run,
      incoming: this.incoming,
      outgoing: this.crossing.leaving(),
      kept,
      warmingAhead: kept.filter((r) => this.warm.isAhead(r.key)).map((r) => r.slot),
      params: this.params.values,
      progress: this.progress,
      quality: this.program?.quality ?? 'auto',
    };
  }

  private changed(sync: boolean): void {
    this.snaps.changed(sync);
  }
}
