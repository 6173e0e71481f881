import type { VisitorFrame } from '../../protocol';
import type { VisitorsFrame } from 'pavilion/sdk';

/**
 * Input frames from the server, handed to pieces once per rendered frame: the latest state of
 * every visitor, and every event since the previous rendered frame (none lost, none repeated).
 */
const queue: VisitorFrame[] = [];
export const visitorsView: VisitorsFrame = { visitors: [], events: [], seq: 0 };
let lastSeq = 0;

export function receiveVisitorFrame(f: VisitorFrame): void {
  if (f.seq <= lastSeq && f.seq !== 1) return; // stale or duplicate (a restart starts at 1)
  lastSeq = f.seq;
  queue.push(f);
}

/** After a (re)connect: the server may have restarted, and its frame numbers start again at 1. */
export function resetVisitorSequence(): void {
  lastSeq = 0;
}

/** Called once per rendered frame, before pieces run. */
export function advanceVisitors(): void {
  if (!queue.length) {
    if (visitorsView.events.length) visitorsView.events = [];
    return;
  }
  const latest = queue[queue.length - 1]!;
  visitorsView.visitors = latest.visitors;
  visitorsView.events = queue.flatMap((f) => f.events);
  visitorsView.seq = latest.seq;
  queue.length = 0;
}

export function visitorCount(): number {
  return visitorsView.visitors.length;
}
