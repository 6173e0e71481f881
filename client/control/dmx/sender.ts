/**
 * Sends fader moves to a slow receiver: one `dmx.set` in flight at a time; while it is, the channels
 * moved since merge into the next one (each channel's latest value wins, no channel is lost when
 * two faders move at once). `settle()` resolves once everything set so far has been sent, with
 * whether the last send was applied. Framework-free.
 */
export class ChannelSender {
  private pending: Record<string, number> = {};
  private inFlight = false;
  private lastOk = true;
  private waiters: Array<(ok: boolean) => void> = [];

  constructor(private readonly sendOne: (channels: Record<string, number>) => Promise<boolean>) {}

  set(channel: number, value: number): void {
    this.pending[String(channel)] = value;
    if (!this.inFlight) void this.pump();
  }

  settle(): Promise<boolean> {
    if (!this.busy) return Promise.resolve(this.lastOk);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get busy(): boolean {
    return this.inFlight || Object.keys(this.pending).length > 0;
  }

  private async pump(): Promise<void> {
    while (Object.keys(this.pending).length) {
      const batch = this.pending;
      this.pending = {};
      this.inFlight = true;
      try {
        this.lastOk = await this.sendOne(batch);
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
