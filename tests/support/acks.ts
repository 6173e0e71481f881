import type { FoldedAck } from '../../protocol';
import { AckFolder, newFoldSlot, type FoldSlot } from '../../server/visitors/acks';

/** Folded acks with a hand-driven clock: phones are plain strings, answers are recorded, the pace is set by hand. */
export function foldedAcks(windowMs = 200, longWindowMs = windowMs) {
  let pace = 0;
  const sent: Array<{ phone: string; ack: FoldedAck }> = [];
  const slots = new Map<string, FoldSlot>();
  const folder = new AckFolder<string>(
    windowMs,
    (p) => {
      let s = slots.get(p);
      if (!s) slots.set(p, (s = newFoldSlot()));
      return s;
    },
    (phone, ack) => void sent.push({ phone, ack }),
    () => pace,
    longWindowMs,
  );
  return { folder, sent, setPace: (p: number) => void (pace = p) };
}
