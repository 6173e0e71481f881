import { encodeInputFrame } from '../../protocol/plain';
import type { SocketOf } from '../core/connection';
import type { InputSocket } from './input-socket';
import type { OutgoingInput } from './sender';

/**
 * How one input leaves the phone (issue 16): as a binary input frame (protocol/visitor-wire.ts) on
 * the `/visitor` socket's own engine.io connection when the server said at the join that it takes
 * them (`inputFrames`), so that the server reads it without socket.io's parsing and dispatch;
 * otherwise, and for an input a frame cannot carry, as the `visitor:put` event. The answers come
 * back folded either way (`visitor:acked`). `answerNow` (only to a server whose join answer says it
 * takes the flag): this input fills the sender's window, answer it at once. While disconnected nothing goes out: the sender starts
 * afresh on the next connect, and stale input is worthless. With an input socket ready
 * (input-socket.ts), the frame goes there instead, and its answers come back there.
 */
export function sendInput(socket: SocketOf<'/visitor'>, msg: OutgoingInput, frames: boolean, answerNow = false, input?: InputSocket): void {
  if (!socket.connected) return;
  // The input socket first (input-socket.ts): the same frame, on a plain WebSocket of its own.
  if (input?.ready) {
    const frame = encodeInputFrame(msg, answerNow);
    if (frame && input.send(frame)) return;
  }
  const frame = frames ? encodeInputFrame(msg, answerNow) : null;
  const engine = socket.io.engine as { send(data: Uint8Array): unknown } | undefined;
  if (frame && engine) engine.send(frame);
  else socket.emit('visitor:put', msg as OutgoingInput & { n: number });
}
