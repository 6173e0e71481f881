/**
 * NTP-style estimate of the server's show clock. Pure: the transport and the local clock are
 * injected, so tests drive it with fake delays, offsets and skew (tests/unit/clock-sync.test.ts).
 * How it works, in prose: docs/sync.md.
 *
 * - Bursts of pings; only the lowest round trip of each burst is kept (queued pings look like
 *   slow, lopsided paths), and anchors far slower than the best seen are dropped.
 * - A weighted line through those anchors, over minutes, models skew so the error does not grow
 *   between bursts. Recent anchors weigh most for the offset; a slope is used once it is
 *   significant (3 standard errors), with a prior (0 ppm, σ 100 ppm) that the data soon outweigh.
 * - A sample whose hard bound (offset ± rtt/2) excludes the model means a clock jumped (a laptop
 *   slept, a server restarted): the anchors are dropped and the skew kept.
 * - The published offset is a piecewise-linear function of local time. During the first bursts it
 *   moves in steps; after that, forward corrections over 1 ms jump (a frame a few ms longer is
 *   invisible), backward ones slew at `slewRate`, or hold (show time nearly stands still) beyond
 *   50 ms. `now()` never goes backwards.
 */
import type { ClockPath } from './clock-responder';

export type PingReply = [t0: number, t1: number, t2: number];

/**
 * A reply whose send and receive times were stamped by the transport itself (on the local clock's
 * base): a Web Worker that pings off the page's busy main thread, for instance.
 */
export interface StampedPingReply {
  reply: PingReply;
  sent: number;
  received: number;
}

export interface ClockSyncOptions {
  /** Local monotonic clock in ms (epoch-based: performance.timeOrigin + performance.now()). */
  local: () => number;
  /**
   * Sends t0, resolves with [t0, serverReceive, serverSend] (or a StampedPingReply), or rejects
   * on timeout/disconnect.
   */
  ping: (t0: number) => Promise<PingReply | StampedPingReply>;
  /** Pings per burst. */
  burst?: number;
  /** Pings in the first burst after (re)connect. */
  firstBurst?: number;
  /** Ms between bursts once settled. */
  intervalMs?: number;
  /** Ms between bursts while the model fills in (the first `fastBursts` bursts). */
  fastIntervalMs?: number;
  fastBursts?: number;
  /** How long anchors are kept for the skew model. */
  windowMs?: number;
  /** Slew rate for small backward corrections: ms of correction per ms of local time. */
  slewRate?: number;
  /** Forward corrections larger than this jump (a frame a few ms longer is invisible). */
  stepMs?: number;
  /** Backward corrections larger than this hold show time (nearly) still instead of slewing. */
  holdMs?: number;
  /** Rate at which a large backward correction is absorbed (show time runs at 1 − holdRate). */
  holdRate?: number;
  /** The skew is fitted once anchors span this long (see fitLine). */
  minSkewSpanMs?: number;
  /** Anchors lose weight with age at this rate, ppm (see fitLine). */
  wanderPpm?: number;
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
  /** Skew of the server clock against the local one (d offset / d local), in parts per million. */
  skewPpm: number;
  samples: number;
  synced: boolean;
  /** The way the last answered ping went (set by the transport: connection.ts); null before one. */
  path: ClockPath | null;
}

export function sampleOf(reply: PingReply, t3: number): Sample {
  const [t0, t1, t2] = reply;
  return { local: (t0 + t3) / 2, offset: (t1 - t0 + (t2 - t3)) / 2, rtt: Math.max(0, t3 - t0 - (t2 - t1)) };
}

/** Prior on the skew: 0 ± 100 ppm. */
const SKEW_PRIOR_SIGMA = 100e-6;
/** A fitted skew is used only when it stands this many standard errors away from the prior. */
const SKEW_SIGNIFICANCE = 3;
/** Beyond this, it is not a real clock: ignore the slope. */
const MAX_SKEW = 500e-6;

export interface FitOptions {
  /** The slope is fitted only once the anchors span this long; before, it is `b0` (default 0). */
  minSpanMs?: number;
  /** How fast an anchor loses weight with age (unmodelled frequency wander), ppm. */
  wanderPpm?: number;
}

/**
 * Weighted least-squares line offset = a + b·(local − ref), with a Gaussian prior b ~ N(b0, σ_b).
 * An anchor's σ grows with its extra round trip (σ₀ + (rtt − minRtt)/2, σ₀ = max(0.05, minRtt/4) ms)
 * and with its age (wander × age), so the intercept follows recent anchors while the slope is
 * learned over minutes. The slope stays `b0` unless the data show it significantly (3 standard
 * errors, from the residuals): over seconds, a drift in queueing asymmetry under load looks like
 * skew, and a spurious slope would grow the error through any gap in the pings.
 */
export function fitLine(samples: Sample[], ref: number, b0 = 0, opts: FitOptions = {}): { a: number; b: number; residual: number } {
  if (samples.length === 0) return { a: 0, b: b0, residual: Infinity };
  const minSpan = opts.minSpanMs ?? 0;
  const q = (opts.wanderPpm ?? 2) * 1e-6;
  let minRtt = Infinity;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of samples) {
    minRtt = Math.min(minRtt, s.rtt);
    lo = Math.min(lo, s.local);
    hi = Math.max(hi, s.local);
  }
  const floor = Math.max(0.05, minRtt / 4);
  const weight = (s: Sample) => 1 / ((floor + (s.rtt - minRtt) / 2) ** 2 + (q * (ref - s.local)) ** 2);
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const s of samples) {
    const w = weight(s);
    const x = s.local - ref;
    sw += w; sx += w * x; sy += w * s.offset; sxx += w * x * x; sxy += w * x * s.offset;
  }
  let b = b0;
  const n = samples.length;
  const dx = sw * sxx - sx * sx;
  if (hi - lo >= minSpan && n >= 3 && dx > 0) {
    // Is the slope significant? Least squares without the prior, with the noise scaled up to
    // what the residuals show (never below the weights' own estimate).
    const bOls = (sw * sxy - sx * sy) / dx;
    const aOls = (sy - bOls * sx) / sw;
    let rss = 0;
    for (const s of samples) rss += weight(s) * (s.offset - (aOls + bOls * (s.local - ref))) ** 2;
    const scale = Math.max(1, rss / (n - 2));
    const sigmaB = Math.sqrt((scale * sw) / dx);
    if (Math.abs(bOls - b0) > SKEW_SIGNIFICANCE * sigmaB) {
      const lambda = 1 / SKEW_PRIOR_SIGMA ** 2;
      const det = sw * (sxx + lambda) - sx * sx;
      b = (sw * (sxy + lambda * b0) - sx * sy) / det;
    }
  }
  if (!Number.isFinite(b) || Math.abs(b) > MAX_SKEW) b = Math.abs(b0) <= MAX_SKEW ? b0 : 0;
  const a = (sy - b * sx) / sw;
  let r = 0;
  for (const s of samples) r += weight(s) * (s.offset - (a + b * (s.local - ref))) ** 2;
  return { a, b, residual: Math.sqrt(r / sw) };
}

/** One piece of the published offset: the model line plus a correction decaying from `from`. */
interface Segment {
  from: number;
  a: number;
  b: number;
  ref: number;
  /** Published minus model at `from`. */
  e0: number;
  /** |correction| absorbed per ms of local time. */
  rate: number;
}

export class ClockSync {
  private readonly o: Required<Omit<ClockSyncOptions, 'local' | 'ping'>> & Pick<ClockSyncOptions, 'local' | 'ping'>;
  /** Best sample of each burst, within the window. */
  private anchors: Sample[] = [];
  private model = { a: 0, b: 0, ref: 0, residual: Infinity, minRtt: Infinity };
  /** The published offset, newest last; only the last few are kept. */
  private segments: Segment[] = [];
  private lastNow = -Infinity;
  private lastRtt = 0;
  private bursts = 0;
  /** Skew carried over a clock jump (the anchors go, the oscillators stay). */
  private skewPrior = 0;
  /** Clock jumps detected (anchors dropped). */
  jumps = 0;
  /** The way the last answered ping went: the transport sets it (connection.ts, syncOverSocket). */
  path: ClockPath | null = null;
  private running = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;
  private eager = true;
  private listeners = new Set<(e: ClockEstimate) => void>();

  constructor(opts: ClockSyncOptions) {
    this.o = {
      burst: 6,
      firstBurst: 10,
      intervalMs: 2000,
      fastIntervalMs: 250,
      fastBursts: 10,
      windowMs: 10 * 60_000,
      slewRate: 0.05,
      stepMs: 1,
      holdMs: 50,
      holdRate: 0.9,
      minSkewSpanMs: 0,
      wanderPpm: 2,
      ...opts,
    };
  }

  get synced(): boolean {
    return this.segments.length > 0;
  }

  /** Estimated show time now. Never goes backwards once synced. */
  now(local = this.o.local()): number {
    const t = local + this.offsetAt(local);
    if (!this.synced) return t;
    if (t < this.lastNow) return this.lastNow;
    this.lastNow = t;
    return t;
  }

  /** Converts a local time (same base as `local()`) to show time, without the monotonic guard. */
  toShowTime(local: number): number {
    return local + this.offsetAt(local);
  }

  /** Converts a show time to local time (inverse of `toShowTime`, to within a microsecond). */
  toLocalTime(show: number): number {
    let local = show - this.offsetAt(show - this.model.a);
    local = show - this.offsetAt(local);
    return show - this.offsetAt(local);
  }

  /** The published (slewed) offset at a local time: a pure function of `local`. */
  offsetAt(local: number): number {
    const segs = this.segments;
    if (!segs.length) return this.model.a;
    let s = segs[0]!;
    for (let i = segs.length - 1; i >= 0; i--)
      if (segs[i]!.from <= local) {
        s = segs[i]!;
        break;
      }
    const left = Math.max(0, Math.abs(s.e0) - s.rate * Math.max(0, local - s.from));
    return s.a + s.b * (local - s.ref) + Math.sign(s.e0) * left;
  }

  estimate(): ClockEstimate {
    const local = this.o.local();
    const m = this.model;
    return {
      offsetMs: this.offsetAt(local),
      rttMs: this.lastRtt,
      uncertaintyMs: this.synced ? m.minRtt / 2 + (Number.isFinite(m.residual) ? m.residual : 0) : Infinity,
      skewPpm: m.b * 1e6,
      samples: this.anchors.length,
      synced: this.synced,
      path: this.path,
    };
  }

  onUpdate(fn: (e: ClockEstimate) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Adds the samples of one burst: its best becomes an anchor and the model is refitted. */
  addBurst(samples: Sample[]): void {
    this.ingest(samples, true);
  }

  private ingest(samples: Sample[], final: boolean): void {
    if (!samples.length) return;
    let best = samples[0]!;
    for (const s of samples) if (s.rtt < best.rtt) best = s;
    this.lastRtt = best.rtt;
    // Hard bounds: the true offset lies within offset ± rtt/2 of every sample. If the new best and
    // the most precise anchor (carried along the skew) cannot both hold, a clock jumped (a laptop
    // slept, a server restarted): start again, keeping the skew.
    const ref = this.anchors.reduce<Sample | null>((m, s) => (!m || s.rtt < m.rtt ? s : m), null);
    if (ref) {
      const dt = Math.abs(best.local - ref.local);
      const carried = ref.offset + this.model.b * (best.local - ref.local);
      if (Math.abs(best.offset - carried) > best.rtt / 2 + ref.rtt / 2 + 1 + SKEW_PRIOR_SIGMA * dt) {
        this.skewPrior = this.model.b;
        this.anchors = [];
        this.jumps++;
      }
    }
    const anchors = this.anchors.filter((s) => s.local >= best.local - this.o.windowMs);
    anchors.push(best);
    if (final) this.anchors = anchors;
    // Anchors much slower than the best seen were queued somewhere: leave them out.
    let minRtt = Infinity;
    for (const s of anchors) minRtt = Math.min(minRtt, s.rtt);
    const good = anchors.filter((s) => s.rtt <= minRtt * 2 + 0.5);
    const fit = fitLine(good, best.local, this.skewPrior, { minSpanMs: this.o.minSkewSpanMs, wanderPpm: this.o.wanderPpm });
    this.publish({ a: fit.a, b: fit.b, ref: best.local, residual: fit.residual, minRtt });
  }

  private modelAt(local: number): number {
    return this.model.a + this.model.b * (local - this.model.ref);
  }

  /** Switches to a new model, continuing the published offset from where it is now. */
  private publish(model: ClockSync['model']): void {
    const u = this.o.local();
    const first = !this.synced;
    const published = this.offsetAt(u);
    this.model = model;
    const target = this.modelAt(u);
    // While the first bursts come in (about 2.5 s after start) the estimate is provisional and
    // moves in steps, both ways; now() still never goes backwards.
    let e0 = first || this.bursts < this.o.fastBursts ? 0 : published - target;
    let rate = this.o.slewRate;
    if (e0 < -this.o.stepMs) e0 = 0; // far behind: jump forward
    else if (e0 > this.o.holdMs) rate = this.o.holdRate; // far ahead: hold until caught up
    this.segments.push({ from: u, a: model.a, b: model.b, ref: model.ref, e0, rate });
    if (this.segments.length > 4) this.segments.splice(0, this.segments.length - 4);
    if (first) this.lastNow = -Infinity;
    const e = this.estimate();
    for (const l of this.listeners) l(e);
  }

  /** Runs one burst of pings, sequentially; failed pings are skipped. */
  async burst(count = this.o.burst): Promise<void> {
    const gen = this.generation;
    const samples: Sample[] = [];
    let best = Infinity;
    for (let i = 0; i < count && gen === this.generation; i++) {
      try {
        const t0 = this.o.local();
        const res = await this.o.ping(t0);
        const t3 = this.o.local();
        if (gen !== this.generation) continue;
        let s: Sample;
        if (Array.isArray(res)) {
          if (res[0] !== t0) continue;
          s = sampleOf(res, t3);
        } else {
          if (!res || !Array.isArray(res.reply) || res.reply[0] !== res.sent) continue;
          s = sampleOf(res.reply, res.received);
        }
        samples.push(s);
        // First burst after (re)start: publish every improvement at once (first estimate in one
        // round trip, then better ones as the burst goes on).
        if (this.eager && s.rtt < best && i < count - 1) this.ingest(samples, false);
        best = Math.min(best, s.rtt);
      } catch {
        /* timed out or disconnected: the next burst tries again */
      }
    }
    if (gen === this.generation && samples.length) {
      this.eager = false;
      this.addBurst(samples);
      this.bursts++;
    }
  }

  /** Starts periodic bursts. Call `resync()` after a reconnect or a tab wake. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.eager = true;
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
    this.timer = null;
    this.eager = true;
    void this.loop(this.o.firstBurst);
  }

  private async loop(count: number): Promise<void> {
    const gen = this.generation;
    await this.burst(count);
    if (!this.running || gen !== this.generation) return;
    // Early on, sample faster so the skew model fills in; then settle.
    const wait = this.bursts < this.o.fastBursts ? this.o.fastIntervalMs : this.o.intervalMs;
    this.timer = setTimeout(() => void this.loop(this.o.burst), wait);
  }
}
