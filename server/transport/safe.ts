import type { Logger } from 'pino';
import { fail, type Ack } from '../../protocol';

/** Wraps a socket handler so that nothing a client sends can crash the server. */
export function safe<A extends unknown[]>(logger: Logger, event: string, fn: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      fn(...args);
    } catch (e) {
      logger.error({ err: e, event }, `transport: handler for '${event}' failed`);
      const last = args[args.length - 1];
      if (typeof last === 'function') {
        try {
          (last as (r: Ack) => void)(fail('internal', `the server could not handle '${event}'; it has been logged`));
        } catch {
          /* the client is gone */
        }
      }
    }
  };
}

/** The ack callback if the client sent one, else a no-op (a client may omit it). */
export function ackOf<T>(maybe: unknown): (res: T) => void {
  return typeof maybe === 'function' ? (maybe as (res: T) => void) : () => {};
}
