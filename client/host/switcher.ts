import type { InstallationModule } from 'pavilion/sdk';
import type { PieceSource } from './pieces';

/** A piece module that has not loaded this long after its start time is reported and replaced. */
export const LOAD_LIMIT_MS = 10_000;
/**
 * A run whose module is there but whose warm-up (mount, compile, sound graph: the mount layer's
 * report) has not finished this long after its start switches anyway, and finishes warming on
 * screen: late is better than never, and a warm-up that never reports must not hold the wall.
 */
export const WARM_WAIT_MS = 3_000;

/** What the show wants on screen: a run of a piece (or of nothing) from a show time on. */
export interface Target {
  /** Changes with every new run (another piece, another version, another start). */
  key: string;
  installationId: string | null;
  version: string | null;
  moduleUrl: string | null;
  /** Show time of the run's first frame. */
  startedAt: number;
  /** Seed shared by every screen showing this run (useRandom). */
  seed: string;
  /** How the run comes in (absent: a cut). */
  transition?: { type: 'fade' | 'crossfade'; ms: number };
  /**
   * The wall switches as one (docs/display.md): this screen reports the run ready (onReady) and,
   * once ready, holds it until the server's go for its key (`go`), then switches on the first frame
   * at or after the later of the start and the go's time; WARM_WAIT_MS after the start it switches
   * whatever it heard, as every other screen of the wall does on the same show time.
   */
  gated?: true;
}

/** The run on screen. `module` is null when it failed to load; `failed` shows the fallback instead. */
export interface ActivePiece {
  key: string;
  installationId: string;
  version: string;
  startedAt: number;
  seed: string;
  module: InstallationModule | null;
  failed: boolean;
}

interface Pending {
  target: Target;
  module: InstallationModule | null;
  error: unknown;
  /** The mount layer built it off-screen (or no warm-up is asked: needsWarm false). */
  warm: boolean;
  /** When it was announced (deps.now), to time the whole warm-up. */
  since: number;
  cold: boolean;
  /** Told ready (onReady) already. */
  told: boolean;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SwitcherDeps {
  pieces: PieceSource;
  /** Show time of the last frame drawn. */
  showTime(): number;
  /** A monotonic clock in ms (performance.now), to time preloads. */
  now(): number;
  timers: Timers;
  /** A preload began (progress 0) or its module arrived (progress 1, while still the next run). */
  onProgress(installationId: string, progress: 0 | 1): void;
  /** A module preloaded in `ms`; `cold`: this page had never loaded it. */
  onPreloaded(target: Target, ms: number, cold: boolean): void;
  /** A module failed to load, or did not arrive within LOAD_LIMIT_MS of its start. */
  onLoadError(target: Target, error: unknown): void;
  /** Whether a run must be warmed off-screen (markWarm) before it switches: true while a screen renders. */
  needsWarm?(): boolean;
  /** The next run is ready to switch (warm, or failed to load: its fallback is): once per run. */
  onReady?(target: Target): void;
}

/** Go times heard (key → show time), kept for a go that comes before the view that names its run. */
const GOES_KEPT = 4;

/**
 * Preload → scheduled switch → fallback. The next run's module is preloaded as soon as the run is
 * announced; the switch happens on the first frame whose own show time is at or after the run's
 * start, once the module is there (or has failed: the fallback then takes the stage, on time).
 * A gated run (a screen of a served wall) also waits for the server's go: the wall switches as one.
 */
export class Switcher {
  private active: ActivePiece | null = null;
  private pending: Pending | null = null;
  private targetKey: string | null = null;
  private timer: unknown = undefined;
  private readonly goes = new Map<string, number>();

  constructor(private readonly deps: SwitcherDeps) {}

  /** The run on screen now. */
  current(): ActivePiece | null {
    return this.active;
  }

  /** Whether a run is preloading or waiting for its start. */
  waiting(): boolean {
    return this.pending !== null;
  }

  /** The show's target changed (or not: the same key is ignored). Preloads a new run. */
  setTarget(target: Target | null): void {
    const key = target?.key ?? null;
    if (key === this.targetKey) return;
    this.targetKey = key;
    this.deps.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (!target) return;
    // The run on screen already (a run announced since is called off); or nothing to stop and nothing on the way.
    if (this.active?.key === target.key) {
      this.pending = null;
      return;
    }
    if (!this.active && target.installationId === null && !this.pending) return;
    const p: Pending = { target, module: null, error: null, warm: false, since: this.deps.now(), cold: false, told: false };
    this.pending = p;
    const id = target.installationId;
    if (!id) return;
    const ready = () => {
      if (this.pending === p) this.tellReady(p);
    };
    this.deps.onProgress(id, 0);
    // Never left hanging: a module that does not arrive in time counts as failed to load.
    this.timer = this.deps.timers.setTimeout(
      () => {
        if (p.module || p.error) return;
        p.error = new Error(`piece '${id}' did not load within ${LOAD_LIMIT_MS / 1000} s of its start; check the network and the module URL`);
        this.deps.onLoadError(target, p.error);
        ready();
      },
      Math.max(0, target.startedAt - this.deps.showTime()) + LOAD_LIMIT_MS,
    );
    const cold = !this.deps.pieces.isLoaded(id, target.moduleUrl);
    p.cold = cold;
    const loadStart = this.deps.now();
    this.deps.pieces.load(id, target.moduleUrl).then(
      (m) => {
        p.module = m;
        this.deps.onPreloaded(target, this.deps.now() - loadStart, cold);
        if (this.pending === p) this.deps.onProgress(id, 1);
        ready();
      },
      (e: unknown) => {
        if (p.error) return; // timed out already, and reported
        p.error = e;
        this.deps.onLoadError(target, e);
        ready();
      },
    );
  }

  /**
   * The switch decision for a frame, on the frame's own show time. Returns the run that took the
   * stage (null: nothing plays now) when this frame switches, undefined when it does not.
   */
  frame(showTime: number): ActivePiece | null | undefined {
    const p = this.pending;
    if (p && !p.told) this.tellReady(p); // a screen that stopped rendering needs no warm-up any more
    if (!p || showTime < p.target.startedAt || !(p.module || p.error || p.target.installationId === null)) return undefined;
    const overdue = showTime >= p.target.startedAt + WARM_WAIT_MS;
    const warm = p.warm || !p.module || !(this.deps.needsWarm?.() ?? false) || overdue;
    if (!warm) return undefined;
    // The wall switches as one: held until the server's go (every connected screen of the wall ready).
    if (p.target.gated && p.target.installationId !== null && !overdue) {
      const go = this.goes.get(p.target.key);
      if (go === undefined || showTime < go) return undefined;
    }
    this.pending = null;
    const t = p.target;
    this.active = t.installationId
      ? { key: t.key, installationId: t.installationId, version: t.version ?? '?', startedAt: t.startedAt, seed: t.seed, module: p.module, failed: !p.module }
      : null;
    return this.active;
  }

  /** What it holds now, for a technician or a test chasing a screen that does not switch (window.__pavilionStage.switching()). */
  state(): { targetKey: string | null; active: string | null; pending: { key: string; startedAt: number; module: boolean; error: string | null; warm: boolean; ready: boolean; gated: boolean; go: number | null } | null } {
    const p = this.pending;
    return {
      targetKey: this.targetKey,
      active: this.active ? `${this.active.key}${this.active.failed ? ' (failed)' : ''}` : null,
      pending: p
        ? { key: p.target.key, startedAt: p.target.startedAt, module: !!p.module, error: p.error ? String(p.error) : null, warm: p.warm, ready: p.told, gated: !!p.target.gated, go: this.goes.get(p.target.key) ?? null }
        : null,
    };
  }

  /** The next run, once its module is there (the mount layer builds it off-screen), else null. */
  next(): { target: Target; module: InstallationModule; since: number; cold: boolean; warm: boolean } | null {
    const p = this.pending;
    return p?.module && !p.error ? { target: p.target, module: p.module, since: p.since, cold: p.cold, warm: p.warm } : null;
  }

  /** The next run (`key`) is warm: built, compiled and silent off-screen. False if it is not the next run. */
  markWarm(key: string): boolean {
    const p = this.pending;
    if (!p || p.target.key !== key || p.warm) return false;
    p.warm = true;
    this.tellReady(p);
    return true;
  }

  /**
   * The server's go for run `key` (every connected screen of the wall is ready): it switches on the
   * first frame at or after `at` (show time) and its start. Kept for a run not announced yet.
   */
  go(key: string, at: number): void {
    if (!Number.isFinite(at)) return;
    this.goes.delete(key);
    this.goes.set(key, at);
    while (this.goes.size > GOES_KEPT) this.goes.delete(this.goes.keys().next().value!);
  }

  /** Whether a gated run waits for its go: ready here, its start passed, no go heard yet (diagnostics). */
  holding(showTime: number): boolean {
    const p = this.pending;
    if (!p?.target.gated || !p.told || showTime < p.target.startedAt) return false;
    const go = this.goes.get(p.target.key);
    return go === undefined || showTime < go;
  }

  /** Tells the run ready once: warm, or failed (its fallback is ready), or a module with nothing to warm. */
  private tellReady(p: Pending): void {
    if (p.told || p.target.installationId === null) return;
    if (!(p.error || (p.module && (p.warm || !(this.deps.needsWarm?.() ?? false))))) return;
    p.told = true;
    this.deps.onReady?.(p.target);
  }

  /** Takes the run on screen off (the fallback replaces it). False if it was off already, or `key` is not on screen. */
  fail(key?: string): boolean {
    const a = this.active;
    if (!a || a.failed || (key !== undefined && a.key !== key)) return false;
    this.active = { ...a, failed: true };
    return true;
  }
}
