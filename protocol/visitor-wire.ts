/*
 * Input frames: the compact binary form of one phone input (issue 16). The phone page sends each
 * input as one binary engine.io message on its `/visitor` connection, instead of a socket.io event
 * (`visitor:put`): the server takes it straight from engine.io, without socket.io's packet parsing
 * and per-event dispatch (server/transport/visitor-frames.ts). Answers stay folded `visitor:acked`
 * events. Zod-free and import-free: the phone page bundles it (protocol/plain.ts re-exports it).
 *
 * Layout (little-endian), 15 + id + value bytes, at most INPUT_FRAME_MAX:
 *   0  u8   INPUT_FRAME_TAG (0xf1: an input frame, version 1)
 *   1  u8   kind: 1 xy (xy pads and tilt), 2 number (slider), 3 true (button), 4 text; plus the flag
 *           INPUT_FLAG_ANSWER_NOW (0x80): this input fills the phone's window (it sends nothing more
 *           until answered), so answer it at once rather than at the end of the fold window
 *   2  u32  n, the input's number on this phone (as `visitor:put`'s `n`)
 *   6  f64  sentAt (show time, ms); NaN when the phone sent none
 *   14 u8   length of the control's id (1–64), then the id (ASCII: a-z, 0-9, '-', not starting with '-')
 *   then by kind: xy f64 x, f64 y | number f64 | true nothing | text u8 length (bytes) + UTF-8 (≤ 40 UTF-16 units)
 * Nothing may follow. The decoder checks the frame's shape only: every frame it accepts decodes to
 * a payload that `VisitorInputMessage` (zod, protocol/visitors.ts) accepts, with an `n`; what the
 * piece allows (its controls, their ranges) is checked after, by the same hand check as every
 * input (server/visitors/validate.ts). tests/unit/visitor-wire.test.ts holds both.
 */

/** First byte of every input frame: never the first byte of anything else the server reads as binary on its own. */
export const INPUT_FRAME_TAG = 0xf1;
/** The largest well-formed frame: 15 + 64 (id) + 1 + 120 (40 UTF-16 units as UTF-8, at most 3 bytes each). */
export const INPUT_FRAME_MAX = 200;
export const INPUT_KIND = { xy: 1, number: 2, press: 3, text: 4 } as const;
/**
 * Set on the kind byte when this input fills the phone's window of unanswered inputs: the phone
 * sends nothing more until it is answered, so the server answers it at once (server/visitors/acks.ts).
 * A phone sets it only when its server's join answer says `answerNow` (an older server refuses it).
 */
export const INPUT_FLAG_ANSWER_NOW = 0x80;
const HEAD = 15;
const ID_MAX = 64;
const TEXT_MAX_UNITS = 40;
const N_MAX = 0xffffffff;

/** One input as a frame carries it (a `visitor:put` payload). */
export interface FrameInput {
  input: string;
  value: { x: number; y: number } | number | true | string;
  sentAt?: number;
  n: number;
  /** The phone's window is full with this input: answer it at once (INPUT_FLAG_ANSWER_NOW). */
  answerNow?: true;
}

/** A frame the decoder refused: why, and the input's number when it could be read (else 0). */
export interface FrameRefusal {
  bad: string;
  n: number;
}

/** Whether these bytes are an input frame (its tag), before decoding: the socket.io parser leaves those alone. */
export function isInputFrame(data: unknown): data is Uint8Array {
  return data instanceof Uint8Array && data.length > 0 && data[0] === INPUT_FRAME_TAG;
}

/** Whether `s` is a control id (protocol/plain.ts ID_PATTERN), by hand: no regex per input. */
export function isControlId(s: string): boolean {
  const len = s.length;
  if (len < 1 || len > ID_MAX) return false;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) continue;
    if (c === 45 && i > 0) continue;
    return false;
  }
  return true;
}

let encoder: TextEncoder | null = null;
let decoder: TextDecoder | null = null;

/**
 * The frame of one input, or null when this input cannot be a frame (then send it as `visitor:put`):
 * a value of another shape (`false`), an id that is not a control id, a text over 40 units, or
 * `n` beyond 2³² − 1. `answerNow`: this input fills the phone's window (INPUT_FLAG_ANSWER_NOW).
 */
export function encodeInputFrame(msg: { input: string; value: unknown; sentAt?: number | undefined; n?: number | undefined }, answerNow = false): Uint8Array | null {
  const { input, value } = msg;
  const n = msg.n ?? 0;
  if (!isControlId(input) || !Number.isInteger(n) || n < 0 || n > N_MAX) return null;
  if (msg.sentAt !== undefined && !Number.isFinite(msg.sentAt)) return null;
  let kind: number;
  let size = HEAD + input.length;
  let text: Uint8Array | null = null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    kind = INPUT_KIND.number;
    size += 8;
  } else if (value === true) {
    kind = INPUT_KIND.press;
  } else if (typeof value === 'string') {
    if (value.length > TEXT_MAX_UNITS) return null;
    text = (encoder ??= new TextEncoder()).encode(value);
    kind = INPUT_KIND.text;
    size += 1 + text.length;
  } else if (typeof value === 'object' && value !== null && typeof (value as { x?: unknown }).x === 'number' && typeof (value as { y?: unknown }).y === 'number') {
    const { x, y } = value as { x: number; y: number };
    if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
    kind = INPUT_KIND.xy;
    size += 16;
  } else return null;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes[0] = INPUT_FRAME_TAG;
  bytes[1] = answerNow ? kind | INPUT_FLAG_ANSWER_NOW : kind;
  view.setUint32(2, n, true);
  view.setFloat64(6, msg.sentAt ?? NaN, true);
  bytes[14] = input.length;
  for (let i = 0; i < input.length; i++) bytes[HEAD + i] = input.charCodeAt(i);
  const at = HEAD + input.length;
  if (kind === INPUT_KIND.number) view.setFloat64(at, value as number, true);
  else if (kind === INPUT_KIND.xy) {
    view.setFloat64(at, (value as { x: number }).x, true);
    view.setFloat64(at + 8, (value as { y: number }).y, true);
  } else if (text) {
    bytes[at] = text.length;
    bytes.set(text, at + 1);
  }
  return bytes;
}

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
/** A little-endian u32 at `at`, without a DataView. */
export const u32 = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;

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
  if (bytes[0] !== INPUT_FRAME_TAG) return `not an input frame: unknown input frame version (first byte ${bytes[0]}; this server reads ${INPUT_FRAME_TAG}): reload the page`;
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
        text = (decoder ??= new TextDecoder('utf-8', { fatal: true })).decode(bytes.subarray(at + 1, end));
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

/** The slot `decodeInputFrame` decodes into (synchronous: one at a time). */
const frameSlot = newInputSlot();

/** The input a frame carries, or why it is not one, as a new object. Never throws, whatever the bytes. */
export function decodeInputFrame(bytes: Uint8Array): FrameInput | FrameRefusal {
  const bad = decodeInputInto(bytes, frameSlot);
  if (bad !== null) return { bad, n: frameSlot.n };
  const { input, n, sentAt, value, xy } = frameSlot;
  const v = value === xy ? { x: xy.x, y: xy.y } : value;
  const out: FrameInput = sentAt === undefined ? { input, value: v, n } : { input, value: v, sentAt, n };
  if (frameSlot.answerNow) out.answerNow = true;
  return out;
}

/** Whether a decode gave a refusal. */
export function isFrameRefusal(r: FrameInput | FrameRefusal): r is FrameRefusal {
  return 'bad' in r;
}
