import { FULL_FRAME_EVERY_MS, type VisitorFrame, type VisitorState, type VisitorWireFrame } from '../../protocol';

/** What a wall's screens were last sent. */
interface Sent {
  /** The previous frame's visitors (the hub's arrays are never changed once made; states are replaced, never mutated). */
  states: readonly VisitorState[];
  seq: number;
  /** When the last full frame went. */
  fullAt: number;
}

/**
 * Turns each wall's input frames into what its screens get (`VisitorWireFrame`, protocol/visitors.ts):
 * full, or only the states that changed since the previous frame. A frame with the same visitors
 * in the same order as the previous one is a delta: one reference comparison per visitor, no map.
 * Pure: no sockets, no timers (the caller gives the time).
 */
export class ScreenFrames {
  private readonly walls = new Map<string, Sent>();

  constructor(private readonly fullEveryMs = FULL_FRAME_EVERY_MS) {}

  /** The frame for the screens of `frame.wallId`, as if sent now. */
  wire(frame: VisitorFrame, nowMs: number): VisitorWireFrame {
    const last = this.walls.get(frame.wallId);
    const states = frame.visitors;
    let changed: VisitorState[] | null = null;
    if (last && nowMs - last.fullAt < this.fullEveryMs && last.states.length === states.length) {
      changed = [];
      const before = last.states;
      for (let i = 0; i < states.length; i++) {
        const s = states[i]!;
        const b = before[i]!;
        if (s === b) continue;
        if (s.id !== b.id) {
          changed = null; // someone joined, left or moved: the order must go whole
          break;
        }
        changed.push(s);
      }
    }
    const full = changed === null;
    this.walls.set(frame.wallId, { states, seq: frame.seq, fullAt: full ? nowMs : last!.fullAt });
    return { ...frame, visitors: changed ?? states, full, prev: last?.seq ?? 0 };
  }

  /** The wall's next frame is full (a screen joined it, or none is left to send to). */
  reset(wallId: string): void {
    this.walls.delete(wallId);
  }
}
