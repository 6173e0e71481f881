/**
 * NTP-style estimate of the server's show clock. Pure: the transport and the local clock are
 * injected, so tests drive it with fake delays, offsets and skew.
 *
 * - Bursts of pings; only the lowest round trips count (queued pings look like slow paths).
 * - A least-squares line through the best sample of each burst, over minutes, models skew, so
 *   the error does not grow between bursts.
 * - The published offset slews towards the model: it never makes `now()` go backwards.
 */
export type PingReply = [t0: number, t1: number, t2: number];

export interface ClockSyncOptions {
  /** Local monotonic clock in ms (epoch-based: performance.timeOrigin + performance.now()). */
  local: () => number;
  /** Sends t0, resolves with [t0, serverReceive, serverSend], or rejects on timeout/disconnect. */
  ping: (t0: number) => Promise<PingReply>;
  /** Pings per burst. */
  burst?: number;
  /** Pings in the first burst after (re)connect. */
  firstBurst?: number;
  /** Ms between bursts once settled. */
  intervalMs?: number;
  /** How long samples are kept for the skew model. */
  windowMs?: number;
  /** Max slew rate: ms of correction per ms of local time. */
  slewRate?: number;
  /** Corrections larger than this jump forward instead of slewing (never backwards). */
  stepMs?: number;
}

export interface Sample {
  /** Local time at the middle of the round trip. */
  local: number;
  offset: number;
  rtt: number;
}

export interface ClockEstimate {
  offsetMs: number;
  rttMs: number;
  uncertaintyMs: number;
  /** Skew of the local clock against the server, in parts per million. */
  skewPpm: number;
  samples: number;
  synced: boolean;
}

export function sampleOf(reply: PingReply, t3: number): Sample {
  const [t0, t1, t2] = reply;
  return { local: (t0 + t3) / 2, offset: (t1 - t0 + (t2 - t3)) / 2, rtt: Math.max(0, t3 - t0 - (t2 - t1)) };
}

/** Least-squares line offset = a + b·(local − ref), weighted towards low round trips. */
export function fitLine(samples: Sample[], ref: number): { a: number; b: number; residual: number } {
  if (samples.length === 0) return { a: 0, b: 0, residual: Infinity };
  const minRtt = Math.min(...samples.map((s) => s.rtt));
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const s of samples) {
    const w = 1 / (0.05 + s.rtt - minRtt) ** 2;
    const x = s.local - ref;
    sw += w; sx += w * x; sy += w * s.offset; sxx += w * x * x; sxy += w * x * s.offset;
  }
  const den = sw * sxx - sx * sx;
  const spanMs = Math.max(...samples.map((s) => s.local)) - Math.min(...samples.map((s) => s.local));
  let b = samples.length >= 4 && spanMs > 20_000 && den > 0 ? (sw * sxy - sx * sy) / den : 0;
  if (!Number.isFinite(b) || Math.abs(b) > 500e-6) b = 0; // beyond 500 ppm is not a real clock
  const a = (sy - b * sx) / sw;
  let r = 0;
  for (const s of samples) r += (s.offset - (a + b * (s.local - ref))) ** 2;
  return { a, b, residual: Math.sqrt(r / samples.length) };
}

export class ClockSync {
  private readonly o: Required<Omit<ClockSyncOptions, 'local' | 'ping'>> & Pick<ClockSyncOptions, 'local' | 'ping'>;
  /** Best sample of each burst, within the window. */
  private anchors: Sample[] = [];
  private model = { a: 0, b: 0, ref: 0, residual: Infinity };
  private applied = 0;
  private appliedAt = 0;
  private lastNow = -Infinity;
  private lastRtt = 0;
  private synced = false;
  private running = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;
  private listeners = new Set<(e: ClockEstimate) => void>();

  constructor(opts: ClockSyncOptions) {
    this.o = { burst: 6, firstBurst: 10, intervalMs: 2000, windowMs: 10 * 60_000, slewRate: 0.05, stepMs: 1000, ...opts };
  }

  /** Estimated show time now. Monotonic. */
  now(local = this.o.local()): number {
    const t = local + this.offsetAt(local);
    if (t < this.lastNow) return this.lastNow;
    this.lastNow = t;
    return t;
  }

  /** Converts a local time (same base as `local()`) to show time, without the monotonic guard. */
  toShowTime(local: number): number {
    return local + this.offsetAt(local);
  }

  /** The published (slewed) offset at a local time. */
  offsetAt(local: number): number {
    const target = this.targetOffset(local);
    const dt = Math.max(0, local - this.appliedAt);
    const diff = target - this.applied;
    if (!this.synced) return target;
    const maxStep = dt * this.o.slewRate;
    let next: number;
    if (diff > this.o.stepMs) next = target; // far behind: jump forward
    else next = this.applied + Math.max(-maxStep, Math.min(maxStep, diff));
    if (local >= this.appliedAt) {
      this.applied = next;
      this.appliedAt = local;
    }
    return next;
  }

  private targetOffset(local: number): number {
    return this.model.a + this.model.b * (local - this.model.ref);
  }

  estimate(): ClockEstimate {
    const local = this.o.local();
    return {
      offsetMs: this.offsetAt(local),
      rttMs: this.lastRtt,
      uncertaintyMs: this.anchors.length ? Math.min(...this.anchors.map((s) => s.rtt)) / 2 + (Number.isFinite(this.model.residual) ? this.model.residual : 0) : Infinity,
      skewPpm: this.model.b * 1e6,
      samples: this.anchors.length,
      synced: this.synced,
    };
  }

  onUpdate(fn: (e: ClockEstimate) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Adds one measured sample (exposed for tests and for the burst loop). */
  addBurst(samples: Sample[]): void {
    if (!samples.length) return;
    const best = samples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
    this.lastRtt = best.rtt;
    this.anchors.push(best);
    const cutoff = best.local - this.o.windowMs;
    this.anchors = this.anchors.filter((s) => s.local >= cutoff);
    // Keep the anchors whose round trip is near the best seen: the others were queued somewhere.
    const minRtt = Math.min(...this.anchors.map((s) => s.rtt));
    const good = this.anchors.filter((s) => s.rtt <= minRtt * 2 + 0.5);
    const fit = fitLine(good, best.local);
    const firstSync = !this.synced;
    this.model = { a: fit.a, b: fit.b, ref: best.local, residual: fit.residual };
    if (firstSync) {
      this.synced = true;
      this.applied = fit.a;
      this.appliedAt = best.local;
    }
    const e = this.estimate();
    for (const l of this.listeners) l(e);
  }

  /** Runs one burst of pings, sequentially; failed pings are skipped. */
  async burst(count = this.o.burst): Promise<void> {
    const gen = this.generation;
    const samples: Sample[] = [];
    for (let i = 0; i < count && gen === this.generation; i++) {
      try {
        const t0 = this.o.local();
        const reply = await this.o.ping(t0);
        const t3 = this.o.local();
        if (reply[0] !== t0) continue;
        samples.push(sampleOf(reply, t3));
        // Publish the very first sample at once: a first estimate in one round trip.
        if (!this.synced) this.addBurst(samples.slice());
      } catch {
        /* timed out or disconnected: the next burst tries again */
      }
    }
    if (gen === this.generation && samples.length) this.addBurst(samples);
  }

  /** Starts periodic bursts. Call `resync()` after a reconnect or a tab wake. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop(this.o.firstBurst);
  }

  stop(): void {
    this.running = false;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Samples again at once (after a reconnect or tab wake), keeping the skew model. */
  resync(): void {
    if (!this.running) return;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    void this.loop(this.o.firstBurst);
  }

  private async loop(count: number): Promise<void> {
    const gen = this.generation;
    await this.burst(count);
    if (!this.running || gen !== this.generation) return;
    // Early on, sample faster so the skew model fills in; then settle.
    const wait = this.anchors.length < 10 ? 300 : this.o.intervalMs;
    this.timer = setTimeout(() => void this.loop(this.o.burst), wait);
  }
}
