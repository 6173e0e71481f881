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
  // Shorter still on a WebSocket: chunks straight to ws's frame parser, frames taken as it emits them.
  const undoReads = directReads((transport as { socket?: unknown } | null | undefined)?.socket, take);
  return () => {
    conn.off('message', onMessage);
    restore();
    undoReads();
  };
}

/** The flags of a Readable's state that `directReads` reads and writes (Node's own getters and setters). */
interface ReadableBits {
  readonly flowing: boolean | null;
  readonly sync: boolean;
  readonly length: number;
  readonly ended: boolean;
  readonly destroyed: boolean;
  readonly errored: unknown;
  readonly decoder: unknown;
  readonly multiAwaitDrain: boolean;
  reading: boolean;
  dataEmitted: boolean;
  awaitDrainWriters: unknown;
}

/** What `directReads` needs of a `ws` WebSocket (its private parts, checked before use). */
interface WsParts {
  _receiver?: {
    _write?: (chunk: Buffer, encoding: string, cb: (err?: Error | null) => void) => void;
    destroy(err?: Error): unknown;
    readonly destroyed: boolean;
    readonly writableEnded: boolean;
    readonly writableLength: number;
    prependListener(event: string, fn: () => void): unknown;
    removeListener(event: string, fn: (...args: never[]) => unknown): unknown;
    listeners(event: 'message'): Array<(...args: never[]) => unknown>;
    on(event: 'message', fn: (data: unknown, isBinary: boolean) => void): unknown;
  };
  _socket?: {
    push(chunk: unknown, encoding?: string): boolean;
    _readableState?: ReadableBits;
    listenerCount(event: 'data'): number;
    listeners(event: 'data'): Array<(...args: never[]) => unknown>;
    on(event: 'data', fn: (chunk: Buffer) => void): unknown;
    removeListener(event: string, fn: (...args: never[]) => unknown): unknown;
    prependListener(event: string, fn: () => void): unknown;
    readonly destroyed: boolean;
  };
  _extensions?: Record<string, unknown>;
}

const noop = () => {};

/**
 * The read path of one phone's WebSocket, shortened (issue 16, docs/performance.md). Two steps of
 * ws's, per chunk read and per message, that cost more than they do here:
 * - ws feeds each chunk its TCP socket reads to its frame parser (`Receiver`, a Writable stream)
 *   with `write()`: a Writable's bookkeeping and one `nextTick` (afterWrite) per chunk, that is per
 *   phone input, for a parser that, without permessage-deflate (off in Pavilion), handles a chunk
 *   synchronously and calls back at once. Each chunk goes to the parser's own `_write` instead, as
 *   `write()` would hand it, minus that.
 * - before that, Node's socket hands each chunk to its Readable side (`push`): buffer bookkeeping,
 *   a `data` event and a `nextTick` (maybeReadMore) per chunk. When the socket is flowing with
 *   nothing buffered and the parser is its only reader, `push` does what it would do then (the
 *   state's flags as `addChunk` sets them) and hands the chunk to the parser without the event and
 *   the tick; in any other case (the end, an error, a pause, another listener) it is Node's `push`.
 * - the parser's messages go through ws's WebSocket `message` event to engine.io's transport, its
 *   packet decoding and `onPacket` (`listenForFrames`); an input frame is taken (`take`) as the
 *   parser emits it instead, and every other message goes on as before.
 * Everything else stays ws's: the frame parsing, its limits (maxPayload), its errors (the parser is
 * destroyed with the error, as `write()` does, and ws closes the connection), the close handshake.
 * The original listeners are put back by the function this returns when the connection lives on;
 * once the parser has seen a close frame or an error, or the socket closes, nothing more is fed to
 * it (as ws itself does). Applies only where the parts are as expected (ws 8: `socketOnData`,
 * `receiverOnMessage`; no extension, nothing buffered); else it changes nothing.
 */
export function directReads(websocket: unknown, take: (bytes: Uint8Array) => void): () => void {
  const { _receiver: receiver, _socket: socket, _extensions: extensions } = (websocket ?? {}) as WsParts;
  if (!receiver || !socket || typeof receiver._write !== 'function' || (extensions && Object.keys(extensions).length)) return noop;
  const original = socket.listeners('data').find((f) => f.name === 'socketOnData');
  const onMessage = receiver.listeners('message').find((f) => f.name === 'receiverOnMessage') as ((data: unknown, isBinary: boolean) => void) | undefined;
  if (!original || !onMessage || receiver.destroyed || receiver.writableEnded || receiver.writableLength !== 0) return noop;
  const message = function (this: unknown, data: unknown, isBinary: boolean) {
    if (isBinary && isInputFrame(data)) return take(data);
    onMessage.call(this, data, isBinary);
  };
  const write = receiver._write;
  const done = (err?: Error | null) => {
    if (err) receiver.destroy(err);
  };
  const direct = (chunk: Buffer) => {
    if (!receiver.destroyed && !receiver.writableEnded) write.call(receiver, chunk, 'buffer', done);
  };
  const push = socket.push;
  const state = socket._readableState;
  const pushDirect = state
    ? function (this: NonNullable<WsParts['_socket']>, chunk: unknown, encoding?: string): boolean {
        if (
          chunk instanceof Buffer &&
          chunk.length > 0 &&
          state.flowing === true &&
          !state.sync &&
          state.length === 0 &&
          !state.ended &&
          !state.destroyed &&
          !state.errored &&
          !state.decoder &&
          !state.multiAwaitDrain &&
          this.listenerCount('data') === 1
        ) {
          // what readableAddChunk and addChunk do for a flowing stream with nothing buffered, less the event and the tick
          state.reading = false;
          state.awaitDrainWriters = null;
          state.dataEmitted = true;
          direct(chunk);
          return true;
        }
        return push.call(this, chunk, encoding);
      }
    : null;
  let on = true;
  const off = () => {
    if (!on) return;
    on = false;
    if (pushDirect && socket.push === pushDirect) delete (socket as { push?: unknown }).push;
    socket.removeListener('data', direct);
    socket.removeListener('close', off);
    receiver.removeListener('conclude', off);
    receiver.removeListener('error', off);
  };
  receiver.removeListener('message', onMessage);
  receiver.on('message', message);
  socket.removeListener('data', original);
  socket.on('data', direct);
  if (pushDirect && !Object.prototype.hasOwnProperty.call(socket, 'push')) socket.push = pushDirect;
  socket.prependListener('close', off); // before ws's own: it reads what is left into the parser itself
  receiver.prependListener('conclude', off);
  receiver.prependListener('error', off);
  return () => {
    receiver.removeListener('message', message);
    receiver.on('message', onMessage);
    if (!on) return;
    off();
    if (!socket.destroyed && !receiver.destroyed && !receiver.writableEnded) socket.on('data', original as (chunk: Buffer) => void);
  };
}
