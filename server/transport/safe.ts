import type { Logger } from 'pino';
import { fail, type Ack, type ErrorCode } from '../../protocol';

/*
 * The guards every namespace uses, so that nothing a client sends can stop the process:
 * - `safe` around each event handler (a throw, or a rejected promise, is logged and answered);
 * - `safeMiddleware` around each `nsp.use` middleware (a throw is a refused connection);
 * - `answerUnknownEvents` on each socket (an event nobody handles gets an error ack when the
 *   client asked for one, instead of leaving it waiting);
 * - `ackOf` for acks that may be missing or not a function.
 * socket.io itself runs handlers outside any try (process.nextTick), so a throw that escapes
 * here is an uncaught exception: the fuzz suite (tests/integration/fuzz.test.ts) holds them.
 */

/** Calls a client's ack and swallows whatever happens (the client may be gone). */
function answer(ack: unknown, res: Ack): void {
  if (typeof ack !== 'function') return;
  try {
    (ack as (r: Ack) => void)(res);
  } catch {
    /* the client is gone */
  }
}

/**
 * A handler that takes an ack, `(payload, ack)`, gets the client's ack in that place whatever the
 * client sent: socket.io appends the ack after all the arguments, so a client that sent none or
 * three would otherwise leave it where the handler does not look, and wait for an answer forever.
 */
function ackInPlace(args: unknown[], arity: number): unknown[] {
  const last = args[args.length - 1];
  if (arity < 2 || typeof last !== 'function' || args.length === arity) return args;
  const rest = args.slice(0, Math.min(args.length - 1, arity - 1));
  while (rest.length < arity - 1) rest.push(undefined);
  return [...rest, last];
}

/**
 * Wraps a socket handler so that nothing a client sends can crash the server. A handler that
 * takes two or more parameters takes an ack last (see ackInPlace).
 */
export function safe<A extends unknown[]>(logger: Logger, event: string, fn: (...args: A) => void | Promise<void>): (...args: A) => void {
  const failed = (e: unknown, args: A) => {
    logger.error({ err: e, event }, `transport: handler for '${event}' failed`);
    answer(args[args.length - 1], fail('internal', `the server could not handle '${event}'; it has been logged`));
  };
  return (...received: A) => {
    const args = ackInPlace(received, fn.length) as A;
    try {
      const r: unknown = fn(...args);
      if (r instanceof Promise) r.catch((e: unknown) => failed(e, args));
    } catch (e) {
      failed(e, args);
    }
  };
}

/** The ack callback if the client sent one, else a no-op (a client may omit it). */
export function ackOf<T>(maybe: unknown): (res: T) => void {
  return typeof maybe === 'function' ? (maybe as (res: T) => void) : () => {};
}

/** What a refused handshake carries to the client: `err.data.code` (socket.io's connect_error). */
export function refusal(code: ErrorCode, message: string): Error & { data: { code: ErrorCode } } {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * Wraps a namespace middleware (`nsp.use`): a throw refuses the connection with `bad_request`
 * instead of escaping into socket.io.
 */
export function safeMiddleware<S>(logger: Logger, name: string, fn: (socket: S, next: (err?: Error) => void) => void) {
  return (socket: S, next: (err?: Error) => void) => {
    let called = false;
    const once = (err?: Error) => {
      if (called) return;
      called = true;
      next(err);
    };
    try {
      fn(socket, once);
    } catch (e) {
      logger.error({ err: e, middleware: name }, `transport: middleware '${name}' failed`);
      once(refusal('bad_request', 'bad_request: the connection could not be read; reload the page'));
    }
  };
}

/** An event name as it may appear in a message: at most 40 printable characters. */
export function printable(event: unknown): string {
  return String(typeof event === 'string' || typeof event === 'number' ? event : typeof event).slice(0, 40).replace(/[^\x20-\x7e]/g, '?');
}

/** The part of a socket `answerUnknownEvents` uses (any namespace's typed socket has it). */
interface EventSocket {
  onAny(listener: (event: unknown, ...args: unknown[]) => void): unknown;
  listenerCount(event: string): number;
  eventNames(): Array<string | symbol>;
}

/** Events socket.io itself emits on a socket: never a client's. */
const RESERVED = new Set(['error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

/**
 * Answers every event that this socket has no handler for with an error ack, where the client
 * asked for one (a client that sent no ack gets nothing, as before). An event is known when a
 * handler is registered for it on the socket, so a namespace that adds an event needs nothing
 * more here. `describe` words the refusal; it gets the printable event name and the events the
 * socket does take.
 */
export function answerUnknownEvents(socket: EventSocket, code: ErrorCode, describe: (event: string, known: string[]) => string): void {
  socket.onAny((event: unknown, ...args: unknown[]) => {
    try {
      if (typeof event === 'string' && !RESERVED.has(event) && socket.listenerCount(event) > 0) return;
      const ack = args[args.length - 1];
      if (typeof ack !== 'function') return;
      const known = socket
        .eventNames()
        .filter((e): e is string => typeof e === 'string' && !RESERVED.has(e))
        .sort();
      answer(ack, fail(code, describe(printable(event), known)));
    } catch {
      /* an unknown event is never worth stopping the process for */
    }
  });
}
