import { STAGE_HELLO, STAGE_PORT, StageInboundEnvelope, type StageInbound, type StageOutbound } from '../../protocol';

type Handler<T extends StageInbound['t']> = (m: Extract<StageInbound, { t: T }>) => void;

const QUEUE_MAX = 200;

/**
 * The stage's end of its bridge to the page that embeds it (protocol/stage.ts). The stage greets
 * its parent on window.postMessage; the page answers with one end of a MessageChannel, and from
 * then on both talk on that channel only. Messages sent before the channel exists are queued
 * (bounded). A new channel (the page reloaded its side) replaces the old one.
 */
export class StageBridge {
  private port: MessagePort | null = null;
  private readonly queue: StageOutbound[] = [];
  private readonly handlers = new Map<string, Set<(m: StageInbound) => void>>();

  constructor(private readonly win: Window = window) {
    win.addEventListener('message', (e: MessageEvent) => {
      const data = e.data as { type?: unknown } | null;
      if (e.source !== win.parent || !data || data.type !== STAGE_PORT || !e.ports[0]) return;
      this.port?.close();
      const port = e.ports[0];
      this.port = port;
      port.onmessage = (m: MessageEvent) => this.receive(m.data);
      for (const m of this.queue.splice(0)) port.postMessage(m);
    });
    // The stage does not know its parent's origin; the greeting carries nothing secret.
    if (win.parent !== win) win.parent.postMessage({ type: STAGE_HELLO }, '*');
  }

  get connected(): boolean {
    return this.port !== null;
  }

  send(m: StageOutbound): void {
    if (this.port) return this.port.postMessage(m);
    if (this.queue.length >= QUEUE_MAX) this.queue.shift();
    this.queue.push(m);
  }

  on<T extends StageInbound['t']>(t: T, fn: Handler<T>): () => void {
    let set = this.handlers.get(t);
    if (!set) this.handlers.set(t, (set = new Set()));
    const h = fn as (m: StageInbound) => void;
    set.add(h);
    return () => void set.delete(h);
  }

  private receive(data: unknown): void {
    const env = StageInboundEnvelope.safeParse(data);
    if (!env.success) return console.warn('[pavilion stage] a message from the page had no type; ignored');
    const m = data as StageInbound;
    for (const fn of this.handlers.get(m.t) ?? []) {
      try {
        fn(m);
      } catch (e) {
        console.warn(`[pavilion stage] handling '${m.t}' failed:`, e);
      }
    }
  }
}
