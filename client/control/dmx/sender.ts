import { LatestSender } from '../output/latest';

/**
 * Sends fader moves to a slow receiver: one `dmx.set` in flight at a time; while it is, the channels
 * moved since merge into the next one (each channel's latest value wins, no channel is lost when
 * two faders move at once). `settle()` resolves once everything set so far has been sent, with
 * whether the last send was applied. Framework-free; the pacing is output/latest.ts's.
 */
export class ChannelSender {
  private readonly latest: LatestSender<Record<string, number>>;

  constructor(sendOne: (channels: Record<string, number>) => Promise<boolean>) {
    this.latest = new LatestSender(sendOne, (waiting, next) => ({ ...waiting, ...next }));
  }

  set(channel: number, value: number): void {
    this.latest.push({ [String(channel)]: value });
  }

  settle(): Promise<boolean> {
    return this.latest.settle();
  }

  get busy(): boolean {
    return this.latest.busy;
  }
}
