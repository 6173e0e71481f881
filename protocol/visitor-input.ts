/*
 * The input socket (issue 16): a plain WebSocket from the phone page to the main server, beside
 * its socket.io `/visitor` session, that carries only inputs (binary input frames) and their
 * folded answers (binary answer frames). socket.io and engine.io never see it: no packet parsing,
 * no dispatch, no JSON. The phone opens it with a ticket its `/visitor` session handed it (single
 * use, short-lived), so the visitor, the admission, the bans and the rate limits are the session's
 * (server/transport/visitor-input.ts; docs/visitors.md). Zod-free and import-free: the phone page
 * bundles it (protocol/plain.ts re-exports it).
 *
 * The input socket's single validation at the edge: every frame the server takes from it goes
 * through `decodeInputInto` (protocol/visitor-wire.ts), which checks the frame's whole shape by hand (length, version,
 * kind, id, finite numbers in range, UTF-8) and writes the input into a slot the server keeps per
 * input socket (nothing allocated per input but a text's string). What the piece allows is checked
 * after by the same hand check as every input (server/visitors/validate.ts).
 *
 * Input frames (phone → server) have the layout of protocol/visitor-wire.ts (byte 0 is the version
 * tag 0xf1, then kind | answer-now flag, u32 n, f64 sentAt, the control id, the value).
 *
 * Answer frames (server → phone), little-endian:
 *   0  u8   ANSWER_FRAME_TAG (0xa1: an answer, version 1)
 *   1  u8   1: accepted (every input up to n is in the wall's frames), 0: input n was refused
 *   2  u32  n
 *   accepted: 6 u32 pace (ms, 0: none), 10 u32 h (ms the server held the answer); 14 bytes
 *   refused:  6 u8 length of the error code, the code (ASCII), then the message (UTF-8, the rest)
 *   2: ready (2 bytes): the server took the ticket and bound the socket to the session; the phone
 *      sends nothing on the socket before it (a proxy that answers the upgrade itself never sends it)
 */
import { decodeInputInto, newInputSlot, u32, type InputSlot } from './visitor-wire';

/** The input socket decodes its frames with the input-frame codec's slot decoder (the layout's one decoder). */
export { decodeInputInto, newInputSlot, type InputSlot };

/** The input socket's path on the main server (its query: `?t=<ticket>`). */
export const VISITOR_INPUT_PATH = '/visitor/input';
export const ANSWER_FRAME_TAG = 0xa1;
/** Close codes of the input socket (the reason says what to do). */
export const INPUT_CLOSE = {
  /** No live `/visitor` session for this ticket: unknown, used, expired, another visitor's or another address's. */
  ticket: 4401,
  /** The `/visitor` session ended (disconnected, kicked, replaced): the phone joins again first. */
  sessionEnded: 4410,
  /** A newer input socket of the same session took over. */
  replaced: 4409,
  /** Too many malformed frames in a row. */
  malformed: 4400,
  /** The server is shutting down. */
  shutdown: 1001,
} as const;

let textEncoder: TextEncoder | null = null;
let textDecoder: TextDecoder | null = null;

/** The server's first frame on an input socket it bound to a live session (send inputs after it only). */
export const READY_FRAME: Uint8Array = Uint8Array.of(ANSWER_FRAME_TAG, 2);
export const isReadyFrame = (b: Uint8Array): boolean => b.length === 2 && b[0] === ANSWER_FRAME_TAG && b[1] === 2;

/** The answer frame of a folded answer (FoldedAck's shape; protocol/visitors.ts). */
/** A folded answer as an answer frame carries it (FoldedAck's shape, the error code as any string). */
export type AnswerFrame = { ok: true; n: number; pace?: number; h?: number } | { ok: false; n: number; error: { code: string; message: string } };

export function encodeAnswerFrame(a: AnswerFrame): Uint8Array {
  if (a.ok) {
    const b = new Uint8Array(14);
    b[0] = ANSWER_FRAME_TAG;
    b[1] = 1;
    putU32(b, 2, a.n);
    putU32(b, 6, a.pace ?? 0);
    putU32(b, 10, a.h ?? 0);
    return b;
  }
  const code = a.error.code.slice(0, 64);
  const message = (textEncoder ??= new TextEncoder()).encode(a.error.message.slice(0, 300));
  const b = new Uint8Array(7 + code.length + message.length);
  b[0] = ANSWER_FRAME_TAG;
  b[1] = 0;
  putU32(b, 2, a.n);
  b[6] = code.length;
  for (let i = 0; i < code.length; i++) b[7 + i] = code.charCodeAt(i) & 0x7f;
  b.set(message, 7 + code.length);
  return b;
}

function putU32(b: Uint8Array, at: number, v: number): void {
  const x = Math.max(0, Math.min(0xffffffff, Math.floor(v))) >>> 0;
  b[at] = x & 0xff;
  b[at + 1] = (x >>> 8) & 0xff;
  b[at + 2] = (x >>> 16) & 0xff;
  b[at + 3] = x >>> 24;
}

/** An answer frame's folded answer, or null when the bytes are not one. */
export function decodeAnswerFrame(bytes: Uint8Array): AnswerFrame | null {
  const len = bytes.length;
  if (len < 7 || bytes[0] !== ANSWER_FRAME_TAG) return null;
  const n = u32(bytes, 2);
  if (bytes[1] === 1) {
    if (len !== 14) return null;
    const pace = u32(bytes, 6);
    const h = u32(bytes, 10);
    return pace ? (h ? { ok: true, n, pace, h } : { ok: true, n, pace }) : h ? { ok: true, n, h } : { ok: true, n };
  }
  if (bytes[1] !== 0) return null;
  const codeLen = bytes[6]!;
  if (7 + codeLen > len) return null;
  let code = '';
  for (let i = 0; i < codeLen; i++) code += String.fromCharCode(bytes[7 + i]!);
  let message = '';
  try {
    message = (textDecoder ??= new TextDecoder('utf-8', { fatal: true })).decode(bytes.subarray(7 + codeLen));
  } catch {
    return null;
  }
  return { ok: false, n, error: { code, message } };
}
