import type { z } from 'zod';
import type { Ack } from './errors';
import type { CommandInput, PlayNotes } from './commands';
import type { ControlWatch, DisplayHealthSchema, DisplayHello, DisplayPaired, DisplayPairing, DisplayPreloadedSchema, DisplayReadySchema, PieceError, PieceErrorSchema, Thumbnail, WallGo } from './payloads';
import type { DisplayView, ShowView, PieceSummary } from './views';
import type { FoldedAck, VisitorClock, VisitorJoin, VisitorView, VisitorInputMessage, VisitorWireFrame } from './visitors';
import type { LightsFrame } from './dmx';

/*
 * The socket.io event maps, one pair per namespace. Client→server maps carry the schemas' INPUT
 * types: what a client may send (defaults may be left out). That is the clients' view. The
 * server sees the same events through `Unvalidated<…>`: every argument `unknown`, because type
 * hints do not replace validation; each handler parses its payload with the schema once, at
 * the edge (server/transport/).
 */

/** Clock ping: the client's send time; the reply is [t0, serverReceive, serverSend]. */
export type ClockPing = (t0: number, ack: (reply: [number, number, number]) => void) => void;

export interface DisplayClientToServer {
  'display:hello': (payload: z.input<typeof DisplayHello>, ack: (res: Ack<{ view: DisplayView }>) => void) => void;
  'display:health': (payload: z.input<typeof DisplayHealthSchema>) => void;
  'display:error': (payload: z.input<typeof PieceErrorSchema>) => void;
  'display:preloaded': (payload: z.input<typeof DisplayPreloadedSchema>) => void;
  /** The screen has a run ready to switch (built and warm, or failed): the server gathers the wall's (`wall:go`). */
  'display:ready': (payload: z.input<typeof DisplayReadySchema>) => void;
  'display:thumbnail': (payload: z.input<typeof Thumbnail>) => void;
  /** The piece's lights (useLights), from the screen that plays the wall's sound, at most LIGHTS_MAX_HZ (protocol/dmx.ts). */
  'display:lights': (payload: z.input<typeof LightsFrame>) => void;
  /** The screen missed an input frame of its wall (they are volatile): the wall's next frame goes whole (no payload; rate-limited). */
  'display:resync': () => void;
  'clock:ping': ClockPing;
}
export interface DisplayServerToClient {
  'display:view': (view: DisplayView) => void;
  /** Every connected screen of the wall is ready for the run: switch on the first frame at or after `at` (docs/display.md). */
  'wall:go': (payload: WallGo) => void;
  'screen:identify': (payload: { until: number }) => void;
  'screen:reload': () => void;
  /** A VR station's session: recentre the viewer, or end the session (docs/vr.md). */
  'screen:xr': (payload: { action: 'recenter' | 'reset' }) => void;
  'screen:thumbnails': (payload: { want: boolean }) => void;
  'visitors:frame': (frame: VisitorWireFrame) => void;
  'pieces:changed': (payload: { pieces: PieceSummary[] }) => void;
  'error:notice': (payload: { code: string; message: string }) => void;
  /** This page is not paired (no key, a wrong or revoked one): it shows the code and waits. */
  'display:pairing': (payload: DisplayPairing) => void;
  /** A technician approved this page: store the key and say hello with it. */
  'display:paired': (payload: DisplayPaired) => void;
}

export interface ControlClientToServer {
  command: (payload: CommandInput, ack: (res: Ack<{ version: number; result?: unknown } & PlayNotes>) => void) => void;
  'control:watch': (payload: z.input<typeof ControlWatch>) => void;
  'clock:ping': ClockPing;
}
export interface ControlServerToClient {
  'control:state': (view: ShowView) => void;
  'control:pieces': (payload: { pieces: PieceSummary[] }) => void;
  'control:thumbnail': (payload: { screenId: string; dataUrl: string; at: number }) => void;
  'control:error': (payload: PieceError & { screenId: string }) => void;
}

export interface VisitorClientToServer {
  /**
   * `inputFrames`: the server takes binary input frames (protocol/visitor-wire.ts) on this connection.
   * `answerNow`: it also takes their answer-now flag (INPUT_FLAG_ANSWER_NOW), answering a flagged
   * input at once and the others folded over a longer window (server/visitors/acks.ts).
   * `inputTicket`: a single-use, short-lived ticket for the input socket (protocol/visitor-input.ts:
   * inputs and their answers as binary frames on a plain WebSocket beside this session).
   */
  'visitor:join': (payload: z.input<typeof VisitorJoin>, ack: (res: Ack<{ view: VisitorView; inputFrames?: boolean; answerNow?: boolean; inputTicket?: string }>) => void) => void;
  /** A new ticket for the input socket (after it dropped); at most one a second per connection. */
  'visitor:ticket': (payload: null, ack: (res: Ack<{ ticket: string }>) => void) => void;
  /** `pace`: while the server is behind, the least ms between two sends it asks of the phone. */
  'visitor:input': (payload: z.input<typeof VisitorInputMessage>, ack: (res: Ack<{ seq: number; pace?: number }>) => void) => void;
  /** One input with its number `n`, no ack: the answers come folded, in `visitor:acked` (the phone page sends these). */
  'visitor:put': (payload: z.input<typeof VisitorInputMessage> & { n: number }) => void;
  /** The way the phone's clock pings go now, sent when it changes (the panel's visitor list shows it). No answer. */
  'visitor:clock': (payload: z.input<typeof VisitorClock>) => void;
  'clock:ping': ClockPing;
}
export interface VisitorServerToClient {
  'visitor:view': (view: VisitorView) => void;
  /** The server ends this visitor's session: kicked by the staff, or the same visitor opened the wall elsewhere. */
  'visitor:kicked': (payload: { message: string; reason: 'kick' | 'replaced' }) => void;
  /** The folded answer to `visitor:put` inputs: every input up to `n` (protocol/visitors.ts FoldedAck). */
  'visitor:acked': (ack: FoldedAck) => void;
}

/**
 * The server's view of a client→server map: the same events with every argument `unknown` (a
 * client may send anything, or leave out the ack). `Namespace<Unvalidated<DisplayClientToServer>, …>`.
 */
export type Unvalidated<M> = {
  [E in keyof M]: M[E] extends (...args: infer A) => void ? (...args: { [I in keyof A]: unknown }) => void : never;
};

/** The payload (first argument) a client sends with event `E`: `PayloadOf<VisitorClientToServer, 'visitor:input'>`. */
export type PayloadOf<M, E extends keyof M> = M[E] extends (payload: infer P, ...rest: never[]) => void ? P : never;

/** The answer the server acks event `E` with (its last argument's argument), e.g. `AckOf<ControlClientToServer, 'command'>`. */
export type AckOf<M, E extends keyof M> = M[E] extends (...args: infer A) => void
  ? A extends [...unknown[], (res: infer R) => void]
    ? R
    : never
  : never;
