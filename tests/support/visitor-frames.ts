import type { Socket } from 'socket.io-client';
import type { VisitorFrame, VisitorWireFrame } from '../../protocol';
import { VisitorFeed } from '../../client/host/visitor-feed';

/**
 * A screen's input frames, whole: each `visitors:frame` the socket gets (full, or the states that
 * changed since the previous one) is rebuilt as the stage does (client/host/visitor-feed.ts) and
 * pushed onto `frames` with every visitor of the wall.
 */
export function wholeFrames(socket: Socket, frames: VisitorFrame[] = []): VisitorFrame[] {
  const feed = new VisitorFeed();
  socket.on('visitors:frame', (f: VisitorWireFrame) => {
    feed.receive(f);
    feed.advance();
    const { full: _full, prev: _prev, ...frame } = f;
    frames.push({ ...frame, visitors: feed.view.visitors });
  });
  return frames;
}
