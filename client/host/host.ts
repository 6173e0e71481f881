import type { DisplayPreloaded, ParamValues, PieceError } from '../../protocol';
import { FrameClock } from './frame-clock';
import { VisitorFeed } from './visitor-feed';
import { ErrorLog, type ErrorReport, type HostError } from './errors';
import { captureErrors, type ErrorTarget } from './capture';
import { describeStray } from './stray';
import { Switcher, type ActivePiece, type Timers } from './switcher';
import { ScheduledParams } from './params';
import { advanceShowTime, createShowTime, type Timing } from './timeline';
import type { RunShared } from './runtime';
import { rendersInSoftware, resolveQuality, type QualityLevel } from './quality';
import { readMemory, type GpuMemory, type RendererLike } from './memory';
import type { PieceSource } from './pieces';
import type { Program } from './program';

export interface HostOptions {
  /** Maps an epoch time of this page's clock to show time (the clock estimate; identity in the preview). */
  toShowTime(epochMs: number): number;
  pieces: PieceSource;
  /** Console prefix of error lines. */
  label?: string;
  /** Where error lines go (console.warn). */
  warn?: (message: string) => void;
  /** How many errors the host keeps. */
  errorLimit?: number;
  /** Where errors go besides the host's log (the server). */
  sendError?(entry: HostError): void;
  /** Where preload times go (the server sizes the next switch's lead on them). */
  sendPreload?(p: DisplayPreloaded): void;
  timers?: Timers;
  /** Monotonic ms (performance.now). */
  now?: () => number;
  timeOrigin?: number;
}

/** The run on screen, with what the host keeps for it. */
export interface Run extends ActivePiece {
  /** What every screen of this host hands the piece: live time and visitors, reports. */
  shared: RunShared;
}

/** What the bindings render from; a new object whenever any of it changes. */
export interface HostSnapshot {
  run: Run | null;
  params: ParamValues;
  /** Progress of the piece being preloaded (0..1) or of the assets it reports, or null. */
  progress: { installationId: string; progress: number } | null;
  /** The program's quality setting. */
  quality: Program['quality'];
}

/** `sync`: the change must be drawn on this very frame (a switch, params due): render it before pieces run. */
export type HostListener = (sync: boolean) => void;

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
  private progress: HostSnapshot['progress'] = null;
  private snap: HostSnapshot;
  private readonly listeners = new Set<HostListener>();
  private readonly renderers = new Map<string, RendererLike>();
  private readonly software = new WeakMap<object, boolean>();
  private lastMemory: GpuMemory = { geometries: 0, textures: 0, programs: 0 };
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
    this.switcher = new Switcher({
      pieces: opts.pieces,
      showTime: () => this.clock.showTime,
      now,
      timers: opts.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
      onProgress: (installationId, progress) => this.setProgress({ installationId, progress }),
      onPreloaded: (t, ms, cold) => this.preloaded({ installationId: t.installationId!, version: t.version, ms, cold }),
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
    const switched = this.switcher.frame(showTime);
    if (switched !== undefined) {
      this.run = switched ? this.startRun(switched) : null;
      this.params.reset(this.program?.params ?? {});
      this.lastSwitch = { installationId: switched?.installationId ?? null, showTime };
      this.progress = null;
      this.changed(true);
    }
    if (this.params.frame(showTime)) this.changed(true);
    const run = this.run;
    if (run) {
      const p = this.program;
      if (p && p.target?.key === run.key) run.timing = { startedAt: run.startedAt, pausedAt: p.pausedAt, heldMs: p.heldMs };
      advanceShowTime(run.shared.time, run.timing, showTime);
    }
    this.clock.notify();
  }

  /**
   * Takes the run on screen off: reported once, and the calm fallback in its place. With `key`,
   * only if that run is still the one on screen.
   */
  fail(phase: PieceError['phase'], error: unknown, key?: string, screen?: string): void {
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
    let software = this.software.get(renderer);
    if (software === undefined) {
      software = rendersInSoftware(renderer.getContext());
      this.software.set(renderer, software);
    }
    return resolveQuality(this.program?.quality, software, pixels);
  }

  /** A screen's renderer, for the memory readouts. Returns the function that detaches it. */
  attachRenderer(screen: string, r: RendererLike): () => void {
    this.renderers.set(screen, r);
    return () => {
      if (this.renderers.get(screen) === r) this.renderers.delete(screen);
    };
  }

  /** GPU objects alive now in a screen's renderer (the first attached by default); else the last sample. */
  memory(screen?: string): GpuMemory {
    const r = screen === undefined ? this.renderers.values().next().value : this.renderers.get(screen);
    return r ? readMemory(r) : { ...this.lastMemory };
  }

  /** Samples the memory for health reports (kept when the renderer goes). */
  sampleMemory(): GpuMemory {
    const r = this.renderers.values().next().value;
    if (r) this.lastMemory = readMemory(r);
    return this.lastMemory;
  }

  screens(): string[] {
    return [...this.renderers.keys()].sort();
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
    return { run: this.run, params: this.params.values, progress: this.progress, quality: this.program?.quality ?? 'auto' };
  }

  private changed(sync: boolean): void {
    const s = this.snap;
    const next = this.makeSnapshot();
    if (s.run === next.run && s.params === next.params && s.progress === next.progress && s.quality === next.quality) return;
    this.snap = next;
    for (const l of this.listeners) l(sync);
  }
}
