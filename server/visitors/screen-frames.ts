import { FULL_FRAME_EVERY_MS, type VisitorFrame, type VisitorState, type VisitorWireFrame } from '../../protocol';

/** What a wall's screens were last sent. */
interface Sent {
  /** The previous frame's visitors (the hub's arrays are never changed once made; states are replaced, never mutated). */
  states: readonly VisitorState[];
  seq: number;
  /** When the last full frame went. */
  fullAt: number;
}

/** A frame's visitors as changes to the previous frame's: the states that changed or came (at the end), and the ids that left; null when only a full frame can say it. */
function changesSince(before: readonly VisitorState[], states: readonly VisitorState[]): { changed: VisitorState[]; gone: string[] } | null {
  const changed: VisitorState[] = [];
  const gone: string[] = [];
  let now: Set<string> | null = null; // the ids in `states`, made only when someone left or moved
  let i = 0;
  let j = 0;
  while (i < before.length && j < states.length) {
    const b = before[i]!;
    const s = states[j]!;
    if (b.id === s.id) {
      if (b !== s) changed.push(s);
      i++;
      j++;
      continue;
    }
    now ??= new Set(states.map((x) => x.id));
    if (now.has(b.id)) return null; // still here, elsewhere in the order
    gone.push(b.id);
    i++;
  }
  for (; i < before.length; i++) {
    now ??= new Set(states.map((x) => x.id));
    if (now.has(before[i]!.id)) return null;
    gone.push(before[i]!.id);
  }
  if (j < states.length) {
    // Newcomers, after everyone who was there: unless one of them was there before (a move).
    const was = new Set(before.map((x) => x.id));
    for (; j < states.length; j++) {
      if (was.has(states[j]!.id)) return null;
      changed.push(states[j]!);
    }
  }
  return { changed, gone };
}

/**
 * Turns each wall's input frames into what its screens get (`VisitorWireFrame`, protocol/visitors.ts):
 * the states that changed since the previous frame, the visitors who came (after the others) and
 * the ids of those who left; or the whole list, when the order changed otherwise, when asked
 * (`reset`: a screen joined the wall, or missed a frame), and at least every `fullEveryMs`. One
 * reference comparison per visitor when nobody came or went. Pure: no sockets, no timers (the
 * caller gives the time).
 */
export class ScreenFrames {
  private readonly walls = new Map<string, Sent>();

  constructor(private readonly fullEveryMs = FULL_FRAME_EVERY_MS) {}

  /** The frame for the screens of `frame.wallId`, as if sent now. */
  wire(frame: VisitorFrame, nowMs: number): VisitorWireFrame {
    const last = this.walls.get(frame.wallId);
    const states = frame.visitors;
    const delta = last && nowMs - last.fullAt < this.fullEveryMs ? changesSince(last.states, states) : null;
    this.walls.set(frame.wallId, { states, seq: frame.seq, fullAt: delta ? last!.fullAt : nowMs });
    const prev = last?.seq ?? 0;
    if (!delta) return { ...frame, full: true, prev };
    const out: VisitorWireFrame = { ...frame, visitors: delta.changed, full: false, prev };
    if (delta.gone.length) out.gone = delta.gone;
    return out;
  }

  /** The wall's next frame is full (a screen joined it or missed a frame, or none is left to send to). */
  reset(wallId: string): void {
    this.walls.delete(wallId);
  }
}
