/**
 * Sends a stream of states (a corner being dragged) to a slow receiver: one send in flight at a
 * time, and while it is, only the latest state waits; the rest are dropped. `settle()` resolves once
 * the last state pushed has been sent (with its result). Framework-free.
 */
export class LatestSender<T> {
  private inFlight = false;
  private pending: { value: T } | null = null;
  private waiters: Array<(ok: boolean) => void> = [];
  private lastOk = true;

  /**
   * `merge`: how a value pushed while another waits combines with it (default: the new one
   * replaces it). The DMX faders merge channel maps, so no channel moved meanwhile is lost.
   */
  constructor(
    private readonly sendOne: (value: T) => Promise<boolean>,
    private readonly merge: (waiting: T, next: T) => T = (_waiting, next) => next,
  ) {}

  push(value: T): void {
    this.pending = { value: this.pending ? this.merge(this.pending.value, value) : value };
    if (!this.inFlight) void this.pump();
  }

  /** Resolves when everything pushed so far has been sent: true when the last send was applied. */
  settle(): Promise<boolean> {
    if (!this.inFlight && !this.pending) return Promise.resolve(this.lastOk);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get busy(): boolean {
    return this.inFlight || !!this.pending;
  }

  private async pump(): Promise<void> {
    while (this.pending) {
      const { value } = this.pending;
      this.pending = null;
      this.inFlight = true;
      try {
        this.lastOk = await this.sendOne(value);
      } catch {
        this.lastOk = false;
      }
      this.inFlight = false;
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(this.lastOk);
  }
}
