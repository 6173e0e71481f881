import { fail, type Ack, type ErrorCode, type PieceSummary, type VisitorFrame, type VisitorPlace, type VisitorView } from '../../protocol';
import type { MergerCounters } from './merger';
import type { TokenBucket } from './rate-limit';
import type { PacerOptions } from './pacer';

/** What the hub asks the transport to do; the hub itself knows no sockets. */
export interface HubOutbox {
  view(socketId: string, view: VisitorView): void;
  kicked(socketId: string, payload: { message: string; reason: 'kick' | 'replaced' }): void;
  frame(wallId: string, frame: VisitorFrame): void;
  /** Visitor counts, queue lengths or input rates changed (the control panel mirror). */
  statsChanged(): void;
}

export interface HubTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface HubOptions {
  /** Per-visitor token bucket. */
  ratePerSecond: number;
  burst: number;
  /** Minimum time between two frames of one wall (≤ 60 frames/s). */
  frameMs: number;
  /** A frame at least this often even when nothing changed. */
  heartbeatMs: number;
  /** A disconnected visitor keeps their place this long (a reload, a tunnel). */
  graceMs: number;
  /** A kicked visitor cannot come back for this long. */
  banMs: number;
  maxEventsPerFrame: number;
  maxQueue: number;
  /** Answer accepted inputs with the frame that carries them (true) or at once (false, the default: measured faster). */
  ackWithFrame: boolean;
  /** Folded acks (`visitor:put`): at most one answer per phone per this many ms (server/visitors/acks.ts). */
  ackMs: number;
  /**
   * The same for phones that flag a full window (input frames with the answer-now flag): their
   * flagged inputs are answered at once, the others at most this often.
   */
  longAckMs: number;
  /** Congestion control (pacer.ts); benchmarks turn it off to profile a fixed load. */
  pacer?: Partial<PacerOptions>;
}

export const DEFAULT_HUB_OPTIONS: HubOptions = {
  ratePerSecond: 30,
  burst: 30,
  frameMs: 1000 / 60,
  heartbeatMs: 1000,
  graceMs: 15_000,
  banMs: 10 * 60_000,
  maxEventsPerFrame: 256,
  maxQueue: 5000,
  ackWithFrame: false,
  ackMs: 400,
  longAckMs: 1000,
};

/** What the hub needs to know of a wall (from the show and the piece catalog). */
export interface WallInfo {
  id: string;
  name: string;
  cap: number;
  inputOpen: boolean;
  piece: PieceSummary | null;
}

/** A visitor's place on one wall; the transport keeps it on the socket. */
export interface Visitor {
  readonly secret: string;
  /** Public id (hash of the secret): frames, events, control panel, kicks. */
  readonly id: string;
  readonly hue: number;
  readonly joinedAt: number;
  readonly wallId: string;
  socketId: string | null;
  status: VisitorPlace;
  goneAt: number;
  bucket: TokenBucket;
  /** The way its phone's clock pings go, as the phone last said (`visitor:clock`); null until it does. */
  clockPath: 'responder' | 'socketio' | null;
}

export interface HubCounters extends MergerCounters {
  refused: Record<string, number>;
}

/** The answer to one input: accepted (it rides in frame `seq`; `pace` while the server lags) or refused. */
export type InputAck = Ack<{ seq: number; pace?: number }>;
export type Accepted = { ok: true; seq: number; pace?: number };
export type Refusal = { ok: false; error: { code: ErrorCode; message: string } };

const refusal = (code: ErrorCode, message: string) => Object.freeze(fail(code, message));
export const NOT_JOINED = refusal('not_allowed_now', 'join a wall first (visitor:join), then send input');
export const QUEUED = refusal('not_allowed_now', 'you are in the queue; your controls open when it is your turn');
export const PAUSED = refusal('not_allowed_now', 'the staff paused visitor input on this wall; it will come back shortly');
export const CLOSED = refusal('not_allowed_now', 'nothing on this wall takes input right now; wait for the next piece');
export const GONE = refusal('unknown_wall', 'this wall has closed; scan the code on another wall');
export const RATE_LIMITED = refusal('rate_limited', 'too many inputs: send at most 30 a second, and wait for the answers');
