import * as parser from 'socket.io-parser';
import { isInputFrame } from '../../protocol';

/*
 * Phone inputs as binary input frames (protocol/visitor-wire.ts; issue 16): a phone sends each
 * input as one binary engine.io message on its `/visitor` connection. The /visitor transport
 * (visitor.ts) takes them from the engine.io connection's public `message` event, before and instead of
 * socket.io: no socket.io packet parsing, no per-event dispatch (two nextTicks, onAny, the
 * listeners' emit), no argument arrays. What remains per input is ws's read, engine.io's framing,
 * one decode and the hub (docs/performance.md, issue 16).
 */

/**
 * socket.io's packet decoder, leaving input frames alone: socket.io hands every engine.io message
 * to it, and a binary message outside a binary packet would otherwise be a protocol error that
 * closes the connection. Input frames are taken by the /visitor transport's listener on the same
 * connection; on a connection without a /visitor socket they are dropped. Every other message
 * (text packets, a binary packet's attachments, other binary data) goes the usual way.
 */
export class InputFrameDecoder extends parser.Decoder {
  override add(obj: unknown): void {
    if (isInputFrame(obj) && !(this as unknown as { reconstructor: unknown }).reconstructor) return;
    super.add(obj);
  }
}

/** What the transport needs of an engine.io connection (socket.io's `socket.conn`). */
export interface FrameSource {
  on(event: 'message', fn: (data: unknown) => void): unknown;
  off(event: 'message', fn: (data: unknown) => void): unknown;
}

/**
 * Listens for input frames on a phone's engine.io connection (its public `message` event); returns
 * the function that stops. `take` gets each frame's bytes (already known to carry the tag),
 * synchronously, in order. This is the phones' fallback path: the fast one is the input socket
 * (visitor-input.ts), so the transport's own read path is no longer overridden here (it saved
 * ~3 µs per input by patching engine.io's private `onPacket`).
 */
export function listenForFrames(conn: FrameSource, take: (bytes: Uint8Array) => void): () => void {
  const onMessage = (data: unknown) => {
    if (isInputFrame(data)) take(data);
  };
  conn.on('message', onMessage);
  return () => {
    conn.off('message', onMessage);
  };
}
