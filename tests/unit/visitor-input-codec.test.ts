import { describe, expect, it } from 'vitest';
import {
  ANSWER_FRAME_TAG,
  INPUT_FLAG_ANSWER_NOW,
  INPUT_FRAME_MAX,
  READY_FRAME,
  decodeAnswerFrame,
  decodeInputFrame,
  decodeInputInto,
  encodeAnswerFrame,
  encodeInputFrame,
  isFrameRefusal,
  isReadyFrame,
  newInputSlot,
  type FrameInput,
  type InputSlot,
} from '../../protocol';
import { Rng } from '../support/fuzz-random';

/*
 * The input socket's codec (protocol/visitor-input.ts): decodeInputInto is that path's one
 * validation at the edge, written into a slot kept per socket; answer frames go back.
 */

const frame = (msg: Parameters<typeof encodeInputFrame>[0], answerNow = false): Uint8Array => {
  const f = encodeInputFrame(msg, answerNow);
  if (!f) throw new Error(`no frame for ${JSON.stringify(msg)}`);
  return f;
};

/** What the slot holds, as a plain input (to compare with what the phone sent). */
const read = (s: InputSlot): FrameInput => ({
  input: s.input,
  value: typeof s.value === 'object' ? { x: s.value.x, y: s.value.y } : s.value,
  ...(s.sentAt !== undefined ? { sentAt: s.sentAt } : {}),
  n: s.n,
  ...(s.answerNow ? { answerNow: true as const } : {}),
});

const SAMPLES: FrameInput[] = [
  { input: 'pad', value: { x: 0.25, y: -0.5 }, sentAt: 1_764_500_000_123.457, n: 1 },
  { input: 'tilt-2', value: { x: -1, y: 1 }, n: 7 },
  { input: 'level', value: -273.15, sentAt: 0, n: 0xffffffff },
  { input: 'go', value: true, sentAt: 42, n: 3 },
  { input: 'word', value: 'salut', n: 9 },
  { input: 'word', value: 'café 日本 🎉', sentAt: 5, n: 10 },
  { input: 'a'.repeat(64), value: '語'.repeat(40), sentAt: -1, n: 12 },
];

/** Refused, with a reason that matches `why`. */
function refused(bytes: Uint8Array, why: RegExp): InputSlot {
  const slot = newInputSlot();
  const r = decodeInputInto(bytes, slot);
  expect(r, `refused: ${why}`).toMatch(why);
  return slot;
}

describe('input frames on the input socket: decodeInputInto', () => {
  it('round trip of every kind, with and without the answer-now flag, into one slot reused', () => {
    const slot = newInputSlot();
    const xy = slot.xy;
    for (const msg of SAMPLES)
      for (const answerNow of [false, true]) {
        expect(decodeInputInto(frame(msg, answerNow), slot)).toBeNull();
        expect(read(slot)).toEqual(answerNow ? { ...msg, answerNow: true } : msg);
      }
    // the slot's xy value is the same object every time: nothing allocated per xy input
    expect(decodeInputInto(frame({ input: 'pad', value: { x: 0.5, y: 0.5 }, n: 2 }), slot)).toBeNull();
    expect(slot.value).toBe(xy);
  });

  it('agrees with the session path decoder (decodeInputFrame) on the same bytes, mutated at random', () => {
    const rng = new Rng(16);
    const slot = newInputSlot();
    let accepted = 0;
    const disagree: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const base = frame(SAMPLES[rng.int(SAMPLES.length)]!).slice();
      const bytes = rng.chance(0.3) ? base.subarray(0, rng.int(base.length + 1)) : base;
      for (let k = rng.int(3); k > 0; k--) if (bytes.length) bytes[rng.int(bytes.length)] = rng.int(256);
      const mine = decodeInputInto(bytes, slot);
      const theirs = decodeInputFrame(bytes);
      if ((mine === null) !== !isFrameRefusal(theirs)) disagree.push(Buffer.from(bytes).toString('hex'));
      else if (mine === null) {
        accepted++;
        if (JSON.stringify(read(slot)) !== JSON.stringify(theirs)) disagree.push(Buffer.from(bytes).toString('hex'));
      }
    }
    expect(disagree).toEqual([]);
    expect(accepted).toBeGreaterThan(100);
  });

  it('refuses every malformed case, with what is wrong, and reads the number when it can', () => {
    const xy = frame({ input: 'pad', value: { x: 0.1, y: 0.2 }, sentAt: 3, n: 77 });
    const edit = (at: number, v: number, from = xy) => {
      const b = from.slice();
      b[at] = v;
      return b;
    };
    const f64At = (from: Uint8Array, at: number, v: number) => {
      const b = from.slice();
      new DataView(b.buffer).setFloat64(at, v, true);
      return b;
    };
    refused(new Uint8Array(0), /at least 16 bytes/);
    refused(xy.subarray(0, 15), /at least 16 bytes/);
    refused(new Uint8Array(INPUT_FRAME_MAX + 1).fill(0xf1), /at most 200 bytes/);
    refused(edit(0, 0xf2), /unknown input frame version/);
    expect(refused(edit(1, 9), /unknown input frame kind 9/).n).toBe(77);
    expect(refused(edit(1, 9 | INPUT_FLAG_ANSWER_NOW), /unknown input frame kind 9/).n).toBe(77);
    refused(f64At(xy, 6, Infinity), /sentAt/);
    refused(edit(14, 0), /1 to 64 bytes/);
    refused(edit(14, 65), /1 to 64 bytes/);
    refused(edit(14, 200), /1 to 64 bytes/);
    refused(edit(15, 'A'.charCodeAt(0)), /a-z, 0-9/);
    refused(edit(15, '-'.charCodeAt(0)), /a-z, 0-9/);
    refused(f64At(xy, 18, 1.5), /between -1 and 1/);
    refused(f64At(xy, 26, NaN), /between -1 and 1/);
    refused(f64At(xy, 18, -Infinity), /between -1 and 1/);
    refused(Uint8Array.of(...xy, 0), /has 34 bytes; this one has 35/);
    refused(xy.subarray(0, xy.length - 1), /has 34 bytes; this one has 33/);
    const num = frame({ input: 'level', value: 1, n: 5 });
    refused(f64At(num, 15 + 5, NaN), /finite number/);
    refused(f64At(num, 15 + 5, Infinity), /finite number/);
    const press = frame({ input: 'go', value: true, n: 5 });
    refused(Uint8Array.of(...press, 1), /has 17 bytes; this one has 18/);
    const text = frame({ input: 'word', value: 'ab', n: 5 });
    refused(text.subarray(0, 19), /ends before its text/);
    refused(edit(20, 0xff, text), /not valid UTF-8/);
    refused(edit(19, 9, text), /has 29 bytes; this one has 22/);
    const long = frame({ input: 'w', value: 'é'.repeat(40), n: 5 });
    const longer = Uint8Array.of(...long.subarray(0, 16), 84, ...long.subarray(17), 0x61, 0x61, 0x61, 0x61);
    refused(longer, /at most 40 characters/);
  });

  it('never throws, whatever the bytes (random lengths and contents)', () => {
    const rng = new Rng(1616);
    const slot = newInputSlot();
    let decoded = 0;
    for (let i = 0; i < 3000; i++) {
      const b = new Uint8Array(rng.int(220));
      for (let k = 0; k < b.length; k++) b[k] = rng.int(256);
      if (rng.chance(0.5) && b.length) b[0] = 0xf1;
      if (decodeInputInto(b, slot) === null) decoded++; // a throw fails the test
    }
    expect(decoded).toBeGreaterThanOrEqual(0);
  });
});

describe('answer frames (server → phone)', () => {
  it('round trip of accepted answers, with and without pace and hold, and of refusals', () => {
    const answers = [
      { ok: true as const, n: 1 },
      { ok: true as const, n: 0xffffffff, pace: 75 },
      { ok: true as const, n: 9, h: 420 },
      { ok: true as const, n: 9, pace: 1000, h: 3 },
      { ok: false as const, n: 12, error: { code: 'rate_limited', message: 'too many inputs: at most 30 a second' } },
      { ok: false as const, n: 0, error: { code: 'bad_request', message: "input frame: input 'pad': x and y must be numbers — «é»" } },
    ];
    for (const a of answers) {
      const b = encodeAnswerFrame(a);
      expect(b[0]).toBe(ANSWER_FRAME_TAG);
      if (a.ok) expect(b.length).toBe(14);
      expect(decodeAnswerFrame(b)).toEqual(a);
    }
  });

  it('the ready frame is neither an answer nor mistaken for one', () => {
    expect(isReadyFrame(READY_FRAME)).toBe(true);
    expect(decodeAnswerFrame(READY_FRAME)).toBeNull();
    expect(isReadyFrame(encodeAnswerFrame({ ok: true, n: 2 }))).toBe(false);
  });

  it('refuses what is not an answer frame', () => {
    const ok = encodeAnswerFrame({ ok: true, n: 3, pace: 50 });
    expect(decodeAnswerFrame(new Uint8Array(0))).toBeNull();
    expect(decodeAnswerFrame(Uint8Array.of(0xa2, ...ok.subarray(1)))).toBeNull();
    expect(decodeAnswerFrame(ok.subarray(0, 13))).toBeNull();
    expect(decodeAnswerFrame(Uint8Array.of(ANSWER_FRAME_TAG, 7, 0, 0, 0, 0, 0))).toBeNull();
    expect(decodeAnswerFrame(Uint8Array.of(ANSWER_FRAME_TAG, 0, 1, 0, 0, 0, 40, 0x61))).toBeNull(); // code longer than the frame
    expect(decodeAnswerFrame(Uint8Array.of(ANSWER_FRAME_TAG, 0, 1, 0, 0, 0, 1, 0x61, 0xff))).toBeNull(); // message not UTF-8
  });
});
