import type { StageDiag, StageOutbound } from '../../protocol';
import { localNow } from '../core/now';
import { FrameGaps } from './frame-gaps';
import type { ClockSync } from '../core/clock-sync';
import type { DisplaySocket } from './session';
import type { DisplayStore } from './store';
import { StageLink } from '../shared/stage-link';
import { GpuProbe } from './gpu-probe';
import { CarriedSilence, StageSiblings } from './siblings';
import { BACKOFF_RESET_MS, Recoveries, WATCH_EVERY_MS, backoffAfterReload, frozenMs, stallVerdict, startVerdict, watchdogTimes, type WatchdogTimes } from './stall';

export { HUNG_MS, SILENT_MS, STALL_MS, STARVED_MS } from './stall';

/**
 * Between the screen's socket and its stage: the server's view, visitors and thumbnail requests go
 * to the stage; the stage's errors, preload times, health and thumbnails go to the server; clock
 * pings are answered from this page's estimate. It also watches the stage: a render loop that
 * stalls while the stage still answers, the browser draws this page and the GPU serves it (10 s),
 * a stage that draws nothing while the browser gives this page few frames or the GPU keeps it
 * waiting too (starved: 60 s; stall.ts), a stage that stops answering while this page is drawn and
 * the GPU serves it (45 s; starved too: 60 s), or one that never starts (45 s), is reloaded and reported.
 */
export class StageRelay {
  link: StageLink | null = null;
  diag: StageDiag | null = null;
  errors: NonNullable<StageDiag['errors']> = [];
  /** The show-clock offset (show − local) to use until the clock syncs: the last one kept, for a screen started offline. */
  fallbackOffsetMs = 0;
  private wantThumbnails = false;
  private lastFrames = -1;
  private lastProgressAt = localNow();
  private lastDiagAt = localNow();
  private loadedAt = 0;
  /** This page's frame count when the stage's document loaded (the start watchdog's). */
  private pageFramesAtLoad = 0;
  /** Animation frames this page was given (one asked a second), and their count at the stage's last new frame. */
  private pageFrames = 0;
  private pageFramesAtProgress = 0;
  /** The stage's own count of animation frames given (its diag), and that count at its last new frame. */
  private stageFrames: number | null = null;
  private stageFramesAtProgress = 0;
  /** How far behind the GPU was on the stage's own draws at its last diagnostics (ms), or null where it did not say. */
  private stageGpuLag: number | null = null;
  /** The silences and starts this screen's stage came back from lately: the waits learned from them (stall.ts). */
  private readonly recoveries = new Recoveries();
  /** The other screens of this browser, whose stages share this one's process: silent together or not (siblings.ts). */
  private readonly siblings: StageSiblings;
  /** The silence a reload cut short, told to the siblings until the new stage opens (siblings.ts). */
  private readonly carried = new CarriedSilence();
  private askedFrame = false;
  /** This page's own 1×1 GPU fence, sent once a stall is suspected: tells a busy GPU from a stuck loop. */
  private readonly gpu = new GpuProbe();
  /** The stall and starved waits: the defaults, or the screen address's `starved=<seconds>` (stall.ts). */
  private readonly times = watchdogTimes(location.search, (m) => console.warn(`[pavilion] ${m}`));
  /** The waits' scale now (the reload backoff, stall.ts), the last reload (local ms) and reloads since the backoff began. */
  private scale = 1;
  private lastRestartAt: number | null = null;
  private reloadsInRow = 0;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  /** The watchdog's last look, and how long this page was frozen since the stage last answered (for the report). */
  private lastWatchAt = localNow();
  private frozenSinceDiagMs = 0;
  private readonly listeners = new Set<() => void>();
  /** The stage's last ready run (`display:ready`), sent again once the server has taken this page back after a reconnection. */
  private lastReady: { key: string; startedAt: number } | null = null;
  /** Missed input frames: when to ask for a whole one (frame-gaps.ts). */
  private readonly gaps = new FrameGaps();
  private readyUnsent = false;

  constructor(
    private readonly screenId: string,
    private readonly socket: DisplaySocket,
    private readonly clock: ClockSync,
    private readonly store: DisplayStore,
  ) {
    this.siblings = new StageSiblings(screenId, localNow);
    store.subscribe((s, prev) => {
      if (s.view !== prev.view) this.link?.send({ t: 'view', view: s.view });
      // Taken back after a reconnection (a hello answered with the view): a run the stage holds ready
      // is reported again, so that the server (perhaps restarted) can say when the wall switches.
      if (s.view !== prev.view && this.readyUnsent) this.sendReady();
    });
    socket.on('wall:go', (g) => {
      if (typeof g?.key === 'string' && typeof g.at === 'number' && Number.isFinite(g.at)) this.link?.send({ t: 'go', key: g.key, at: g.at });
    });
    socket.on('visitors:frame', (frame) => {
      if (this.gaps.frame(frame, localNow())) this.resync();
      this.link?.send({ t: 'visitors', frame });
    });
    socket.on('screen:thumbnails', ({ want }) => this.setThumbnails(want));
    socket.on('screen:xr', ({ action }) => this.link?.send({ t: 'xr', action })); // a VR station's recenter or reset (docs/vr.md)
    socket.on('disconnect', () => {
      this.setThumbnails(false);
      this.readyUnsent = this.lastReady !== null;
    });
    socket.on('connect', () => {
      this.gaps.reset();
      this.link?.send({ t: 'visitors-reset' });
    });
  }

  /** Starts the bridge to the stage at `origin` (the frame attaches itself with attach()). */
  connect(origin: string): StageLink {
    this.link?.close();
    const link = new StageLink(origin, { open: () => this.opened(), message: (m) => this.message(m) });
    this.link = link;
    clearInterval(this.watchdog);
    this.lastWatchAt = localNow();
    this.watchdog = setInterval(() => this.watch(), WATCH_EVERY_MS);
    return link;
  }

  /** The frame element finished loading a document (or failed to). */
  frameLoaded(): void {
    this.loadedAt = localNow();
    this.pageFramesAtLoad = this.pageFrames;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  private opened(): void {
    const link = this.link!;
    if (this.loadedAt) this.recoveries.started(localNow() - this.loadedAt, localNow());
    this.carried.opened();
    link.send({ t: 'start', mode: 'screen', screenId: this.screenId });
    link.send({ t: 'view', view: this.store.getState().view });
    link.send({ t: 'thumbnails', want: this.wantThumbnails });
    this.lastProgressAt = this.lastDiagAt = localNow();
    this.lastFrames = -1;
    if (this.gaps.want(localNow())) this.resync(); // a new stage has no visitors yet
  }

  /** Asks for the wall's next input frame whole (the server limits it too). */
  private resync(): void {
    if (this.socket.connected) this.socket.emit('display:resync');
  }

  private sendReady(): void {
    const socket = this.socket;
    if (!this.lastReady) return;
    this.readyUnsent = !(socket.connected && this.store.getState().view);
    if (!this.readyUnsent) socket.emit('display:ready', this.lastReady);
  }

  private setThumbnails(want: boolean): void {
    this.wantThumbnails = want;
    this.link?.send({ t: 'thumbnails', want });
  }

  private message(m: StageOutbound): void {
    const socket = this.socket;
    const live = socket.connected && !!this.store.getState().view;
    switch (m.t) {
      case 'ping': {
        const at = localNow();
        const e = this.clock.estimate();
        const offsetMs = e.synced ? this.clock.offsetAt(at) : this.fallbackOffsetMs;
        this.link?.send({ t: 'clock', clock: { t0: m.t0, at, offsetMs, rttMs: e.rttMs, uncertaintyMs: Number.isFinite(e.uncertaintyMs) ? e.uncertaintyMs : 0, synced: e.synced } });
        return;
      }
      case 'error':
        if (socket.connected) socket.emit('display:error', m.report);
        return;
      case 'preloaded':
        if (socket.connected) socket.emit('display:preloaded', m.preloaded);
        return;
      case 'ready':
        this.lastReady = m.ready;
        this.sendReady();
        return;
      case 'health':
        // A page waiting to be paired reports nothing. The clock's way (responder or socket.io) is this page's.
        if (live) socket.emit('display:health', this.clock.path ? { ...m.health, clock: { ...m.health.clock, path: this.clock.path } } : m.health);
        return;
      case 'thumbnail':
        if (live && this.wantThumbnails) socket.emit('display:thumbnail', m.thumbnail);
        return;
      case 'lights':
        // The piece's lights go to the DMX outputs from the screen that plays the wall's sound; stale ones are worthless.
        if (live && this.store.getState().view?.audio) socket.volatile.emit('display:lights', m.lights);
        return;
      case 'diag': {
        const now = localNow();
        // An answer after a long silence: the stage was held, and came back (a learned wait, stall.ts).
        // Time this page itself was frozen and has not yet counted (its watchdog's timer late) is not the stage's.
        const held = now - this.lastDiagAt - frozenMs(this.lastWatchAt, now);
        if (held > 5000) this.recoveries.silenceEnded(held, now);
        this.diag = m.diag;
        this.lastDiagAt = now;
        this.frozenSinceDiagMs = 0;
        this.stageFrames = m.diag.animationFrames ?? null;
        this.stageGpuLag = m.diag.gpuLagMs ?? null;
        if (m.diag.errors) this.errors = m.diag.errors;
        if (m.diag.framesRendered !== this.lastFrames) {
          this.lastFrames = m.diag.framesRendered;
          this.lastProgressAt = localNow();
          this.pageFramesAtProgress = this.pageFrames;
          this.stageFramesAtProgress = m.diag.animationFrames ?? 0;
        }
        for (const fn of this.listeners) fn();
        return;
      }
    }
  }

  private watch(): void {
    const link = this.link;
    const now = localNow();
    // This page frozen meanwhile (its machine asleep, its process starved): that time is not the stage's.
    const frozen = frozenMs(this.lastWatchAt, now);
    this.lastWatchAt = now;
    if (frozen > 0) {
      this.lastDiagAt = Math.min(now, this.lastDiagAt + frozen);
      this.lastProgressAt = Math.min(now, this.lastProgressAt + frozen);
      if (this.loadedAt) this.loadedAt = Math.min(now, this.loadedAt + frozen);
      this.frozenSinceDiagMs += frozen;
      this.carried.frozen(frozen, now);
    }
    if (!link || document.visibilityState !== 'visible') {
      this.lastProgressAt = this.lastDiagAt = now;
      return;
    }
    if (this.scale > 1 && this.lastRestartAt !== null && now - this.lastRestartAt >= BACKOFF_RESET_MS) {
      this.scale = 1;
      this.reloadsInRow = 0;
    }
    const times: WatchdogTimes = { ...this.times, ...(this.scale > 1 ? { scale: this.scale } : {}), ...this.recoveries.waits(now, this.times.stuckMs) };
    if (!link.open) {
      if (!this.loadedAt) return;
      this.askPageFrame();
      this.siblings.say(link.origin, this.carried.whileLoading(now - this.loadedAt, now));
      const v = startVerdict(now - this.loadedAt, this.pageFrames - this.pageFramesAtLoad, times, this.siblings.silentWithMe());
      if (v.kind !== 'fine') this.restart(v.why, null);
      return;
    }
    if (!this.store.getState().view) return;
    const silent = now - this.lastDiagAt;
    this.siblings.say(link.origin, silent);
    this.askPageFrame();
    // No new frame (or no answer at all) while this page is drawn and the GPU serves it: the stage's
    // own loop or thread is stuck; else the browser is starved, and a reload waits (stall.ts).
    const stalledMs = now - this.lastProgressAt;
    if (stalledMs <= 2000) this.gpu.reset();
    const gpuWaitMs = stalledMs > 2000 ? this.gpu.step() : null;
    const v = stallVerdict({ stalledMs, silentMs: silent, pageFramesGiven: this.pageFrames - this.pageFramesAtProgress, stageFramesGiven: this.stageFrames === null ? null : this.stageFrames - this.stageFramesAtProgress, gpuWaitMs, stageGpuLagMs: this.stageGpuLag, siblingsSilent: this.siblings.silentWithMe() }, times);
    if (v.kind === 'fine') return;
    const away = silent > this.times.stuckMs && this.frozenSinceDiagMs ? ` (not counting ${Math.round(this.frozenSinceDiagMs / 1000)} s this page was frozen itself)` : '';
    this.restart(`${v.why}${away}`, this.diag?.installationId ?? null);
  }

  /** One animation frame asked for at a time (a second apart): counts the frames this page is given. */
  private askPageFrame(): void {
    if (this.askedFrame) return;
    this.askedFrame = true;
    requestAnimationFrame(() => {
      this.askedFrame = false;
      this.pageFrames++;
    });
  }

  private restart(reason: string, installationId: string | null): void {
    const now = localNow();
    // Reloads that keep coming: each wait was longer than the usual (the backoff), and the next is longer still.
    const why = this.scale > 1 ? `${reason} (reload ${this.reloadsInRow + 1} in a row: the waits grow after each, ${this.scale}× the usual now)` : reason;
    this.scale = backoffAfterReload(this.scale, this.lastRestartAt === null ? null : now - this.lastRestartAt);
    this.reloadsInRow = this.scale === 2 ? 1 : this.reloadsInRow + 1;
    this.lastRestartAt = now;
    // The silence this reload cuts short, or the start it gives up on: still the siblings' evidence.
    if (this.link) this.carried.reloaded(this.link.open ? now - this.lastDiagAt : this.loadedAt ? now - this.loadedAt : 0, now);
    console.warn(`[pavilion] ${why}: reloading the stage`);
    if (this.socket.connected) this.socket.emit('display:error', { installationId, version: null, phase: 'frame', message: `${why}; the screen reloaded its stage` });
    this.loadedAt = this.lastProgressAt = this.lastDiagAt = localNow();
    this.pageFramesAtLoad = this.pageFrames;
    // The new stage counts its frames from 0: its first diagnostics start the count again.
    this.stageFrames = null;
    this.stageGpuLag = null;
    this.lastFrames = -1;
    this.link?.reload();
  }
}
