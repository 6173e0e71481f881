/*
 * The input socket (issue 16): a plain WebSocket from the phone page to the main server, beside
 * its socket.io `/visitor` session, that carries only inputs (binary input frames) and their
 * folded answers (binary answer frames). socket.io and engine.io never see it: no packet parsing,
 * no dispatch, no JSON. The phone opens it with a ticket its `/visitor` session handed it (single
 * use, short-lived), so the visitor, the admission, the bans and the rate limits are the session's
 * (server/transport/visitor-input.ts; docs/visitors.md). Zod-free and import-free: the phone page
 * bundles it (protocol/plain.ts re-exports it).
 *
 * This file is the input socket's single validation at the edge: every frame the server takes from
 * it goes through `decodeInputInto`, which checks the frame's whole shape by hand (length, version,
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
import { INPUT_FLAG_ANSWER_NOW, INPUT_FRAME_MAX, INPUT_FRAME_TAG, INPUT_KIND, isControlId } from './visitor-wire';

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

const HEAD = 15;
const ID_MAX = 64;
const TEXT_MAX_UNITS = 40;

/** Where the server decodes one input frame: kept per input socket and written in place. */
export interface InputSlot {
  /** The input's number (0 when the frame was too broken to read it). */
  n: number;
  answerNow: boolean;
  input: string;
  /** The value: for xy it is `xy` itself (the same object every time). */
  value: { x: number; y: number } | number | true | string;
  /** undefined when the phone sent none. */
  sentAt: number | undefined;
  readonly xy: { x: number; y: number };
}

export const newInputSlot = (): InputSlot => {
  const xy = { x: 0, y: 0 };
  return { n: 0, answerNow: false, input: '', value: xy, sentAt: undefined, xy };
};

// One scratch DataView for the decoder's floats: no DataView per frame (the frame's bytes may sit
// at any offset of a pooled buffer, so the 8 bytes are copied in first).
const scratch = new Uint8Array(8);
const scratchView = new DataView(scratch.buffer);
function f64(bytes: Uint8Array, at: number): number {
  for (let i = 0; i < 8; i++) scratch[i] = bytes[at + i]!;
  return scratchView.getFloat64(0, true);
}
const u32 = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;

/** The last control id decoded, and its bytes: a crowd sends the same few ids, so most frames reuse the string. */
const lastIdBytes = new Uint8Array(ID_MAX);
let lastIdLen = 0;
let lastId = '';
function idOf(bytes: Uint8Array, idLen: number): string | null {
  if (idLen === lastIdLen) {
    let same = true;
    for (let i = 0; i < idLen; i++)
      if (bytes[HEAD + i] !== lastIdBytes[i]) {
        same = false;
        break;
      }
    if (same) return lastId;
  }
  let id = '';
  for (let i = 0; i < idLen; i++) id += String.fromCharCode(bytes[HEAD + i]!);
  if (!isControlId(id)) return null;
  lastIdBytes.set(bytes.subarray(HEAD, HEAD + idLen));
  lastIdLen = idLen;
  lastId = id;
  return id;
}

let textDecoder: TextDecoder | null = null;

/**
 * Decodes one input frame into `slot`: null when it is one, else why not (then `slot.n` is the
 * frame's number when it could be read, else 0, and the rest of the slot is undefined). Never
 * throws, whatever the bytes; allocates nothing but a text input's string (and a new control id's).
 */
export function decodeInputInto(bytes: Uint8Array, slot: InputSlot): string | null {
  const len = bytes.length;
  slot.n = 0;
  if (len < HEAD + 1) return `an input frame has at least ${HEAD + 1} bytes; this one has ${len}`;
  if (len > INPUT_FRAME_MAX) return `an input frame has at most ${INPUT_FRAME_MAX} bytes; this one has ${len}`;
  if (bytes[0] !== INPUT_FRAME_TAG) return `unknown input frame version (first byte ${bytes[0]}; this server reads ${INPUT_FRAME_TAG}): reload the page`;
  const n = (slot.n = u32(bytes, 2));
  const kind = bytes[1]! & ~INPUT_FLAG_ANSWER_NOW;
  slot.answerNow = (bytes[1]! & INPUT_FLAG_ANSWER_NOW) !== 0;
  const sentAt = f64(bytes, 6);
  if (!Number.isFinite(sentAt) && !Number.isNaN(sentAt)) return '`sentAt` must be a number (show time in ms)';
  slot.sentAt = Number.isNaN(sentAt) ? undefined : sentAt;
  const idLen = bytes[14]!;
  if (idLen < 1 || idLen > ID_MAX || HEAD + idLen > len) return 'the control id of an input frame has 1 to 64 bytes';
  const input = idOf(bytes, idLen);
  if (input === null) return 'the control id of an input frame must be 1–64 characters of a-z, 0-9 and "-", starting with a letter or digit';
  slot.input = input;
  const at = HEAD + idLen;
  let end: number;
  switch (kind) {
    case INPUT_KIND.xy: {
      end = at + 16;
      if (len !== end) break;
      const x = f64(bytes, at);
      const y = f64(bytes, at + 8);
      if (!(x >= -1 && x <= 1 && y >= -1 && y <= 1)) return `input '${input}': x and y must be numbers between -1 and 1`;
      slot.xy.x = x;
      slot.xy.y = y;
      slot.value = slot.xy;
      break;
    }
    case INPUT_KIND.number: {
      end = at + 8;
      if (len !== end) break;
      const v = f64(bytes, at);
      if (!Number.isFinite(v)) return `input '${input}': the value must be a finite number`;
      slot.value = v;
      break;
    }
    case INPUT_KIND.press:
      end = at;
      slot.value = true;
      break;
    case INPUT_KIND.text: {
      if (at >= len) return 'a text input frame ends before its text';
      end = at + 1 + bytes[at]!;
      if (len !== end) break;
      let text: string;
      try {
        text = (textDecoder ??= new TextDecoder('utf-8', { fatal: true })).decode(bytes.subarray(at + 1, end));
      } catch {
        return `input '${input}': its text is not valid UTF-8`;
      }
      if (text.length > TEXT_MAX_UNITS) return `input '${input}': a text of at most ${TEXT_MAX_UNITS} characters`;
      slot.value = text;
      break;
    }
    default:
      return `unknown input frame kind ${kind}: 1 xy, 2 number, 3 press, 4 text`;
  }
  if (len !== end) return `an input frame of kind ${kind} with a ${idLen}-byte id has ${end} bytes; this one has ${len}`;
  return null;
}

let textEncoder: TextEncoder | null = null;

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
