import { z } from 'zod';
import { Id } from './ids';
import { VISITOR_SECRET_PATTERN } from './plain';
import type { InputSpec } from './manifest';
import type { WireError } from './errors';

export const VisitorJoin = z.object({
  wallId: Id,
  /** Random id kept in the phone's storage, so a reload keeps its place. */
  visitorId: z.string().regex(VISITOR_SECRET_PATTERN, 'must be 8–64 URL-safe characters'),
  lang: z.string().max(16).optional(),
});

/** The way the phone's clock pings go now (docs/sync.md): sent when it changes; the panel lists it. */
export const VisitorClock = z.object({ path: z.enum(['responder', 'socketio']) });

/** One input: the control's id and its latest value. */
export const VisitorInputMessage = z.object({
  input: Id,
  value: z.union([
    z.object({ x: z.number().min(-1).max(1), y: z.number().min(-1).max(1) }),
    z.number().finite(),
    z.boolean(),
    z.string().max(40),
  ]),
  /** Phone's send time (show time estimate), for latency measurement. */
  sentAt: z.number().finite().optional(),
  /**
   * The input's number on this phone (`visitor:put`, whose answers are folded: `FoldedAck`).
   * Counts up from 1; `visitor:input` (one answer per input) may leave it out.
   */
  n: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
export type VisitorInputMessage = z.infer<typeof VisitorInputMessage>;
export type InputValue = VisitorInputMessage['value'];

/**
 * The folded answer to `visitor:put` inputs (event `visitor:acked`): every input up to `n` is
 * answered. Accepted: all of them are in the wall's frames; the server sends at most one of these
 * per phone per ack window (server/visitors/acks.ts), at once for the first input after a quiet
 * window. `pace`: while the server is behind, the least ms between two sends it asks of the phone.
 * `h`: how long the server held this answer (ms), so the phone can take it out of its round trip.
 * Refused: input `n` was refused (the inputs before it were accepted), answered at once.
 */
export type FoldedAck = { ok: true; n: number; pace?: number; h?: number } | { ok: false; n: number; error: WireError };

export interface VisitorState {
  id: string;
  /** A stable hue 0..1 derived from the id, so every screen draws the same colour. */
  hue: number;
  joinedAt: number;
  /**
   * Show time at which the server merged this visitor's latest input (joinedAt before any). Every
   * screen of the wall gets the same number, so motion eased from it matches exactly across screens.
   */
  inputAt: number;
  /** Latest value of each input. */
  input: Record<string, InputValue>;
  /** The phone's send time (show time estimate) of its latest input, when it sent one: latency diagnostics. */
  sentAt?: number;
}

export interface VisitorEvent {
  visitorId: string;
  input: string;
  value: InputValue;
  at: number;
}

/** A wall's input frame as the server's hub makes it: every visitor playing, at most once per frame (screens get it as a `VisitorWireFrame`). */
export interface VisitorFrame {
  wallId: string;
  seq: number;
  at: number;
  visitors: VisitorState[];
  events: VisitorEvent[];
  /** Oldest phone send time among the events merged in this frame (latency measurement). */
  oldestSentAt: number | null;
}

/** A full frame goes to a wall's screens at least this often (ms), whatever changed (screens that miss a frame ask for one sooner: `display:resync`). */
export const FULL_FRAME_EVERY_MS = 5000;

/**
 * An input frame as a wall's screens get it (`visitors:frame`; the display page hands it to the
 * stage as it is). `full`: `visitors` is every visitor of the wall, in the wall's order. Otherwise
 * it says what changed since the wall's previous frame (`prev`, that frame's `seq`): `visitors`
 * holds the states that changed, in the wall's order, then the visitors who came, who follow
 * everyone else in the order; `gone`, the ids of those who left. With phones at 20 Hz and 60
 * frames a second that is about a third of a full frame (issue 16). A full frame goes when the
 * order changes otherwise, when a screen joins the wall or asks (`display:resync`: it missed a
 * frame; frames are volatile), and at least every `FULL_FRAME_EVERY_MS`. The stage rebuilds the
 * whole list (client/host/visitor-feed.ts).
 */
export interface VisitorWireFrame extends VisitorFrame {
  full: boolean;
  prev: number;
  gone?: string[];
}

export interface VisitorView {
  wallId: string;
  wallName: string;
  status: 'playing' | 'queued' | 'paused' | 'closed';
  queuePosition: number;
  piece: { id: string; title: string; artist: string; description: string; inputs: InputSpec[] } | null;
  hue: number;
  /** The visitor's public id (what screens and the control panel see; a one-way hash of the phone's secret id). */
  visitorId: string;
}

/* A wall's visitor counts (`VisitorStats`) are in views.ts, next to the `WallStatus` that extends them. */

/** Where a visitor stands on a wall: playing, waiting in the queue, or gone (the phone dropped; its place is held a while). */
export type VisitorPlace = 'playing' | 'queued' | 'gone';

/** One row of `GET /api/walls/:wallId/visitors`, the control panel's kick list (public ids only). */
export interface VisitorListEntry {
  id: string;
  hue: number;
  joinedAt: number;
  status: VisitorPlace;
  /** 1-based place in the queue, or 0 when not queued. */
  queuePosition: number;
  /** False while a dropped phone's place is held. */
  connected: boolean;
  /** The way its clock pings go (the clock responder, or socket.io as the fallback); null until the phone says. */
  clockPath: 'responder' | 'socketio' | null;
  /** Several nodes: the id of the node the phone is on (GET /api/nodes); absent on a node alone. */
  node?: string;
}

/** The answer of `GET /api/walls/:wallId/visitors`. */
export interface VisitorListReply {
  ok: true;
  visitors: VisitorListEntry[];
  /** Server time of the answer (ages are counted on the server's clock). */
  now: number;
  /** How long a kicked visitor is kept out. */
  banMs?: number;
}
