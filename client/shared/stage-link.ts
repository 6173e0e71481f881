import { STAGE_HELLO, STAGE_PORT, StageOutbound, type StageInbound } from '../../protocol';

export interface StageLinkEvents {
  /** The stage (re)opened its channel: send it everything it needs to start. */
  open(): void;
  /** A message from the stage, parsed. */
  message(m: StageOutbound): void;
}

/**
 * The page's end of the bridge to its stage frame (protocol/stage.ts). It answers only the frame
 * it embeds, and only from the stage origin; it parses everything the stage says once
 * (`StageOutbound`): the stage runs uploaded code, so it is treated like any client on the network.
 */
export class StageLink {
  private port: MessagePort | null = null;
  private iframe: HTMLIFrameElement | null = null;
  private dropped = 0;

  constructor(
    readonly origin: string,
    private readonly events: StageLinkEvents,
    private readonly win: Window = window,
  ) {
    win.addEventListener('message', this.onWindowMessage);
  }

  attach(iframe: HTMLIFrameElement | null): void {
    this.iframe = iframe;
  }

  get open(): boolean {
    return this.port !== null;
  }

  send(m: StageInbound): void {
    this.port?.postMessage(m);
  }

  /** Loads the stage again (a stalled or lost renderer): a fresh document asks for a fresh channel. */
  reload(): void {
    this.port?.close();
    this.port = null;
    const f = this.iframe;
    if (f) f.src = f.src; // eslint-disable-line no-self-assign
  }

  close(): void {
    this.win.removeEventListener('message', this.onWindowMessage);
    this.port?.close();
    this.port = null;
  }

  private readonly onWindowMessage = (e: MessageEvent): void => {
    const f = this.iframe;
    if (!f || e.source !== f.contentWindow || e.origin !== this.origin) return;
    if ((e.data as { type?: unknown } | null)?.type !== STAGE_HELLO) return;
    this.port?.close();
    const channel = new MessageChannel();
    this.port = channel.port1;
    channel.port1.onmessage = (m: MessageEvent) => this.receive(m.data);
    f.contentWindow!.postMessage({ type: STAGE_PORT }, this.origin, [channel.port2]);
    this.events.open();
  };

  private receive(data: unknown): void {
    const parsed = StageOutbound.safeParse(data);
    if (!parsed.success) {
      if (this.dropped++ % 100 === 0) console.warn(`[pavilion] the stage sent a malformed message (${this.dropped} so far); ignored`);
      return;
    }
    this.events.message(parsed.data);
  }
}
