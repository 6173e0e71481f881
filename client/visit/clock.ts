import { localNow } from '../core/now';

type Ping = (t0: number) => Promise<[number, number, number]>;

/**
 * A light estimate of the show clock, only to stamp inputs for latency diagnostics: a few pings
 * after each connect and one every 30 s, keeping the lowest round trip. Phones do not render on
 * the show clock, so they need no more (and hundreds of phones must not flood the server with pings).
 */
export class LightClock {
  private offset = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;

  constructor(private readonly ping: Ping) {}

  now(): number {
    return localNow() + this.offset;
  }

  start(): void {
    this.stop();
    const gen = ++this.generation;
    const loop = async (count: number) => {
      let best = Infinity;
      for (let i = 0; i < count && gen === this.generation; i++) {
        try {
          const t0 = localNow();
          const [e0, t1, t2] = await this.ping(t0);
          const t3 = localNow();
          if (e0 !== t0) continue;
          const rtt = t3 - t0 - (t2 - t1);
          if (rtt < best) {
            best = rtt;
            this.offset = (t1 - t0 + (t2 - t3)) / 2;
          }
        } catch {
          /* disconnected or slow: the next round tries again */
        }
      }
      if (gen === this.generation) this.timer = setTimeout(() => void loop(3), 30_000);
    };
    void loop(5);
  }

  stop(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
