import type { VisitorsFrame } from 'pavilion/sdk';
import type { VisitorEvent, VisitorState, VisitorWireFrame } from '../../protocol';

/**
 * Input frames from the server, handed to pieces once per rendered frame: the latest state of
 * every visitor (passed through as the server sent it, `inputAt` included), and every event since
 * the previous rendered frame (none lost, none repeated). The server sends a wall's visitors whole
 * or as the states that changed since its previous frame (`VisitorWireFrame`); the feed keeps the
 * whole list, in the wall's order.
 */
export class VisitorFeed {
  /** What pieces read (useVisitors): one live object, updated before pieces run each frame. */
  readonly view: VisitorsFrame = { visitors: [], events: [], seq: 0 };
  /** The wall's visitors as the frames so far leave them. */
  private states: VisitorState[] = [];
  /** Where each visitor is in `states`. */
  private index = new Map<string, number>();
  /** Whether `states` may be written in place (not handed to pieces, not the sender's array). */
  private owned = false;
  /** Events of the frames since the last rendered frame, frame by frame. */
  private events: VisitorEvent[][] = [];
  private fresh = false;
  private lastSeq = 0;

  /** A frame from the server; stale and duplicate ones are dropped (a restarted server starts at 1). */
  receive(f: VisitorWireFrame): void {
    if (f.seq <= this.lastSeq && f.seq !== 1) return;
    this.lastSeq = f.seq;
    if (f.full) {
      this.states = f.visitors;
      this.owned = false;
      this.index = new Map(f.visitors.map((s, i) => [s.id, i]));
    } else if (f.visitors.length || f.gone?.length) {
      // What changed since the frame before: replaced states, newcomers after everyone, ids gone.
      // After a missed frame (`f.prev` is not the last one seen; the display page asks for a full
      // frame) these are still the newest states known; the rest catches up with the full frame.
      if (f.gone?.length) {
        const gone = new Set(f.gone);
        this.states = this.states.filter((s) => !gone.has(s.id)); // a new array: ours to write
        this.index = new Map(this.states.map((s, i) => [s.id, i]));
      } else if (!this.owned) this.states = this.states.slice();
      this.owned = true;
      for (const s of f.visitors) {
        const i = this.index.get(s.id);
        if (i !== undefined) this.states[i] = s;
        else {
          this.index.set(s.id, this.states.length);
          this.states.push(s);
        }
      }
    }
    if (f.events.length) this.events.push(f.events);
    this.fresh = true;
  }

  /** After a (re)connect: the server may have restarted, and its frame numbers start again at 1. */
  resetSequence(): void {
    this.lastSeq = 0;
  }

  /** Called once per rendered frame, before pieces run. */
  advance(): void {
    if (!this.fresh) {
      if (this.view.events.length) this.view.events = [];
      return;
    }
    this.view.visitors = this.states;
    this.owned = false; // the pieces hold it now
    this.view.events = this.events.length === 1 ? this.events[0]! : this.events.flat();
    this.view.seq = this.lastSeq;
    this.events = [];
    this.fresh = false;
  }

  count(): number {
    return this.view.visitors.length;
  }

  /** Each visitor's latest input as last handed to the piece (public ids only). */
  inputs(): Array<{ id: string; input: VisitorState['input'] }> {
    return this.view.visitors.map((v) => ({ id: v.id, input: { ...v.input } }));
  }
}

/** A local source of visitors (the preview's fake ones) shaped as the server's input frames: always full. */
export function localFrame(wallId: string, seq: number, at: number, visitors: VisitorState[], events: VisitorEvent[]): VisitorWireFrame {
  return { wallId, seq, at, visitors, events, oldestSentAt: null, full: true, prev: 0 };
}
