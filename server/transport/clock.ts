import type { TimeSource } from '../clock/time';

/**
 * The sync responder: stamps receive and send times around nothing else, so the server's part of
 * the round trip is as short as the event loop allows.
 */
export function clockResponder(time: TimeSource) {
  return (t0: unknown, ack: unknown) => {
    const t1 = time();
    if (typeof ack !== 'function' || typeof t0 !== 'number' || !Number.isFinite(t0)) return;
    (ack as (r: [number, number, number]) => void)([t0, t1, time()]);
  };
}
