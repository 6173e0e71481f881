import * as parser from 'socket.io-parser';
import { isInputFrame } from '../../protocol';

/*
 * Phone inputs as binary input frames (protocol/visitor-wire.ts; issue 16): a phone sends each
 * input as one binary engine.io message on its `/visitor` connection. The /visitor transport
 * (visitor.ts) takes them from the engine.io connection's 'message' event, before and instead of
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

/** An engine.io packet as a transport hands it on. */
interface EnginePacket {
  type: string;
  data?: unknown;
}

/** What the transport needs of an engine.io connection (socket.io's `socket.conn`). */
export interface FrameSource {
  on(event: 'message', fn: (data: unknown) => void): unknown;
  off(event: 'message', fn: (data: unknown) => void): unknown;
  /** engine.io's transport (WebSocket or polling): each packet it reads goes through its (protected) `onPacket`. */
  readonly transport?: unknown;
}

/**
 * Listens for input frames on a phone's engine.io connection; returns the function that stops.
 * `take` gets each frame's bytes (already known to carry the tag), synchronously, in order.
 *
 * Two ways in. The fast one: the connection's transport (the phone's WebSocket) hands every packet
 * it reads to its own `onPacket`, which only re-emits it to the engine.io socket; an input frame is
 * taken there instead, before the socket's `packet`, `data` and `message` events and socket.io's
 * `ondata` (about 3 µs of 25 per input in the profile, docs/performance.md). The other: the
 * connection's `message` event, for whatever the first does not see (a transport it could not be
 * put on, a long-polling phone, a transport after an upgrade). A frame goes one way only: the first
 * does not pass on what it takes.
 */
export function listenForFrames(conn: FrameSource, take: (bytes: Uint8Array) => void): () => void {
  const onMessage = (data: unknown) => {
    if (isInputFrame(data)) take(data);
  };
  conn.on('message', onMessage);
  const transport = conn.transport as { onPacket?: (packet: EnginePacket) => void } | null | undefined;
  let restore = () => {};
  if (transport && typeof transport.onPacket === 'function' && !Object.prototype.hasOwnProperty.call(transport, 'onPacket')) {
    const pass = transport.onPacket;
    transport.onPacket = function (this: unknown, packet: EnginePacket) {
      if (packet.type === 'message' && isInputFrame(packet.data)) return take(packet.data);
      pass.call(this, packet);
    };
    restore = () => void delete transport.onPacket;
  }
  return () => {
    conn.off('message', onMessage);
    restore();
  };
}
