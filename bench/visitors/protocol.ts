/** IPC between the visitors benchmark's orchestrator and its child processes. */
/**
 * pavilion: the real server; relay: a bare socket.io relay (the naive design); floor: a bare `ws`
 * server on the input socket's path that only counts the phones' input frames and answers one in
 * eight (what any Node WebSocket server pays per input: the transport's floor, not a peer).
 */
export type Mode = 'pavilion' | 'relay' | 'floor';

export interface ServerReport {
  cpuPct: number;
  /** Server CPU time per input taken in, µs (less sensitive to other load on the machine than latency). */
  cpuUsPerInput: number;
  /** Event-loop delay beyond the sampling interval, ms. */
  lagP50: number;
  lagP99: number;
  lagMax: number;
  /** Inputs the server took in (pavilion: merged; relay: forwarded) per second. */
  acceptedPerSec: number;
  coalescedPerSec: number;
  dropped: number;
  refused: Record<string, number>;
  framesPerSec: number;
  rssMB: number;
  /** The window as the server saw it (from 'start' to 'stop'), s: far shorter than asked means it was starved. */
  windowSecs: number;
}

export type ToServer = { type: 'start' } | { type: 'stop' };
/** `key`: screen main-1's pairing key (pavilion), so the bench's screen is a paired screen. */
export type FromServer = { type: 'ready'; port: number; key: string | null } | ({ type: 'report' } & ServerReport);

/** light: a raw WebSocket per phone (light-phone.ts); real: socket.io-client, as the phone page. */
export type PhoneKind = 'light' | 'real';
/** folded: `visitor:put` and folded answers (the phone page); each: `visitor:input`, one answer per input. */
export type AckMode = 'folded' | 'each';
/**
 * How pavilion's phones send folded inputs: on the input socket (a plain WebSocket with a ticket,
 * binary frames both ways: the phone page since issue 16's input socket), binary input frames on
 * the socket.io session, or the `visitor:put` event.
 */
export type Wire = 'socket' | 'frames' | 'put';

export interface PhoneJob {
  mode: Mode;
  url: string;
  count: number;
  prefix: string;
  hz: number;
  phones: PhoneKind;
  acks: AckMode;
  wire: Wire;
}
export interface PhoneReport {
  connected: number;
  failed: number;
  sent: number;
  /** Inputs answered as accepted. */
  acked: number;
  /** Answer messages the phones received (folded: fewer than the inputs they answer). */
  acks: number;
  /** Ticks skipped because an input was still in flight (the phone sends its latest state after the ack). */
  heldAtPhone: number;
  /** Answers that carried a pace (the server asked the phone to slow down). */
  paced: number;
  refused: Record<string, number>;
  /** Phones whose input has been in flight for more than a second at the end. */
  stalled: number;
  /** Phones whose input socket was in use at the end (`--wire socket`). */
  onInputSocket: number;
  /** CPU time of this phone process over the window, ms. */
  cpuMs: number;
}
export type ToPhones = { type: 'go' } | { type: 'window-start' } | { type: 'window-stop' } | { type: 'quit' };
export type FromPhones = { type: 'connected'; connected: number; failed: number; errors: string[] } | ({ type: 'window' } & PhoneReport);
