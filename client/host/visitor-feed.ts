import type { VisitorsFrame } from 'pavilion/sdk';
import type { VisitorEvent, VisitorFrame, VisitorState } from '../../protocol';

/**
 * Input frames from the server, handed to pieces once per rendered frame: the latest state of
 * every visitor (passed through as the server sent it, `inputAt` included), and every event since
 * the previous rendered frame (none lost, none repeated).
 */
export class VisitorFeed {
  /** What pieces read (useVisitors): one live object, updated before pieces run each frame. */
  readonly view: VisitorsFrame = { visitors: [], events: [], seq: 0 };
  private queue: VisitorFrame[] = [];
  private lastSeq = 0;

  /** A frame from the server; stale and duplicate ones are dropped (a restarted server starts at 1). */
  receive(f: VisitorFrame): void {
    if (f.seq <= this.lastSeq && f.seq !== 1) return;
    this.lastSeq = f.seq;
    this.queue.push(f);
  }

  /** After a (re)connect: the server may have restarted, and its frame numbers start again at 1. */
  resetSequence(): void {
    this.lastSeq = 0;
  }

  /** Called once per rendered frame, before pieces run. */
  advance(): void {
    const queue = this.queue;
    if (!queue.length) {
      if (this.view.events.length) this.view.events = [];
      return;
    }
    const latest = queue[queue.length - 1]!;
    this.view.visitors = latest.visitors;
    this.view.events = queue.flatMap((f) => f.events);
    this.view.seq = latest.seq;
    this.queue = [];
  }

  count(): number {
    return this.view.visitors.length;
  }

  /** Each visitor's latest input as last handed to the piece (public ids only). */
  inputs(): Array<{ id: string; input: VisitorState['input'] }> {
    return this.view.visitors.map((v) => ({ id: v.id, input: { ...v.input } }));
  }
}

/** A local source of visitors (the preview's fake ones) shaped as the server's input frames. */
export function localFrame(wallId: string, seq: number, at: number, visitors: VisitorState[], events: VisitorEvent[]): VisitorFrame {
  return { wallId, seq, at, visitors, events, oldestSentAt: null };
}
