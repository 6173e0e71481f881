import type { StageClock } from '../../protocol';
import { localNow } from '../core/now';
import type { StageBridge } from './bridge';

/** Clock answers kept; the one with the shortest round trip sets the bridge's offset. */
const WINDOW = 8;

/**
 * Show time inside the stage. The page that embeds the stage keeps the clock estimate (it talks
 * to the server); the stage pings the page over the bridge and keeps two figures: the difference
 * between the page's local clock and its own (from the answer with the shortest round trip, as a
 * clock sync does; both are the same monotonic clock in practice, so this is ~0), and the page's
 * latest show-clock offset. show = local + base + offset.
 */
export class BridgedClock {
  private readonly samples: Array<{ rtt: number; base: number }> = [];
  private base = 0;
  private last: StageClock | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly bridge: StageBridge,
    private readonly local: () => number = localNow,
  ) {
    bridge.on('clock', ({ clock }) => this.answer(clock));
  }

  /** Pings quickly at first, then twice a second. */
  start(): void {
    let n = 0;
    const tick = () => {
      this.bridge.send({ t: 'ping', t0: this.local() });
      this.timer = setTimeout(tick, n++ < 6 ? 50 : 500);
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** Resolves once the page has answered once. */
  ready(): Promise<void> {
    if (this.last) return Promise.resolve();
    return new Promise((r) => this.waiting.add(r));
  }

  get synced(): boolean {
    return this.last !== null;
  }

  toShowTime(local: number): number {
    return local + this.base + (this.last?.offsetMs ?? 0);
  }

  toLocalTime(show: number): number {
    return show - this.base - (this.last?.offsetMs ?? 0);
  }

  now(): number {
    return this.toShowTime(this.local());
  }

  estimate(): { offsetMs: number; rttMs: number; uncertaintyMs: number; synced: boolean } {
    const c = this.last;
    const bridgeRtt = this.samples.length ? Math.min(...this.samples.map((s) => s.rtt)) : 0;
    return {
      offsetMs: this.base + (c?.offsetMs ?? 0),
      rttMs: c?.rttMs ?? 0,
      uncertaintyMs: (c?.uncertaintyMs ?? 0) + bridgeRtt / 2,
      synced: !!c?.synced,
    };
  }

  private answer(c: StageClock): void {
    const t1 = this.local();
    const rtt = t1 - c.t0;
    if (!(rtt >= 0) || rtt > 5000) return; // not an answer to a ping of ours
    this.samples.push({ rtt, base: c.at - (c.t0 + t1) / 2 });
    if (this.samples.length > WINDOW) this.samples.shift();
    this.base = this.samples.reduce((best, s) => (s.rtt < best.rtt ? s : best)).base;
    this.last = c;
    for (const r of this.waiting) r();
    this.waiting.clear();
  }
}
