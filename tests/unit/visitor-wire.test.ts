import { describe, expect, it } from 'vitest';
import * as parser from 'socket.io-parser';
import {
  ID_PATTERN,
  INPUT_FRAME_MAX,
  INPUT_FRAME_TAG,
  VisitorInputMessage,
  decodeInputFrame,
  encodeInputFrame,
  isControlId,
  isFrameRefusal,
  isInputFrame,
  type FrameInput,
  type InputSpec,
} from '../../protocol';
import { checkInput, compileInputs } from '../../server/visitors';
import { InputFrameDecoder } from '../../server/transport/visitor-frames';

/** A small seeded PRNG (mulberry32): the same bytes on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const frame = (msg: Parameters<typeof encodeInputFrame>[0]): Uint8Array => {
  const f = encodeInputFrame(msg);
  if (!f) throw new Error(`no frame for ${JSON.stringify(msg)}`);
  return f;
};
const refusalOf = (bytes: Uint8Array): string => {
  const r = decodeInputFrame(bytes);
  if (!isFrameRefusal(r)) throw new Error(`decoded, not refused: ${JSON.stringify(r)}`);
  return r.bad;
};

const SAMPLES: FrameInput[] = [
  { input: 'pad', value: { x: 0.25, y: -0.5 }, sentAt: 1_764_500_000_123.457, n: 1 },
  { input: 'tilt-2', value: { x: -1, y: 1 }, n: 7 },
  { input: 'level', value: -273.15, sentAt: 0, n: 0xffffffff },
  { input: 'go', value: true, sentAt: 42, n: 3 },
  { input: 'word', value: 'salut', n: 9 },
  { input: 'word', value: 'café 日本 🎉', sentAt: 5, n: 10 },
  { input: 'word', value: '', n: 11 },
  { input: 'a'.repeat(64), value: '語'.repeat(40), sentAt: -1, n: 12 },
];

describe('input frames (protocol/visitor-wire.ts)', () => {
  it('round trip every kind: what the phone encodes is what the server decodes', () => {
    for (const msg of SAMPLES) {
      const bytes = frame(msg);
      expect(bytes[0]).toBe(INPUT_FRAME_TAG);
      expect(isInputFrame(bytes)).toBe(true);
      expect(bytes.length).toBeLessThanOrEqual(INPUT_FRAME_MAX);
      expect(decodeInputFrame(bytes)).toEqual(msg);
    }
    // the largest frame there can be is exactly the limit
    expect(frame(SAMPLES.at(-1)!).length).toBe(INPUT_FRAME_MAX);
    // a frame read out of a larger buffer (as Node hands it over) decodes the same
    const inner = frame(SAMPLES[0]!);
    const outer = new Uint8Array(inner.length + 10);
    outer.set(inner, 5);
    expect(decodeInputFrame(outer.subarray(5, 5 + inner.length))).toEqual(SAMPLES[0]);
  });

  it('every frame it decodes is a payload the zod schema accepts, whatever the bytes (random and mutated frames)', () => {
    const r = rng(16);
    let decoded = 0;
    const check = (bytes: Uint8Array) => {
      const out = decodeInputFrame(bytes); // never throws
      if (isFrameRefusal(out)) {
        expect(typeof out.bad).toBe('string');
        expect(Number.isSafeInteger(out.n) && out.n >= 0).toBe(true);
        return;
      }
      decoded++;
      expect(VisitorInputMessage.safeParse(out).success, JSON.stringify(out)).toBe(true);
      expect(Number.isSafeInteger(out.n) && out.n >= 0).toBe(true);
    };
    for (let i = 0; i < 1500; i++) {
      const bytes = new Uint8Array(Math.floor(r() * 260));
      for (let k = 0; k < bytes.length; k++) bytes[k] = Math.floor(r() * 256);
      if (bytes.length) bytes[0] = INPUT_FRAME_TAG;
      check(bytes);
    }
    for (let i = 0; i < 5000; i++) {
      const bytes = frame(SAMPLES[i % SAMPLES.length]!).slice();
      const flips = 1 + Math.floor(r() * 3);
      for (let k = 0; k < flips; k++) bytes[1 + Math.floor(r() * (bytes.length - 1))] = Math.floor(r() * 256);
      check(bytes);
    }
    expect(decoded).toBeGreaterThan(250); // the mutations do reach the accepting paths
  });

  it('refuses frames of the wrong size: every truncation, one byte more, and oversize', () => {
    for (const msg of SAMPLES) {
      const bytes = frame(msg);
      for (let len = 0; len < bytes.length; len++) expect(isFrameRefusal(decodeInputFrame(bytes.subarray(0, len))), `${msg.input} cut to ${len}`).toBe(true);
      const longer = new Uint8Array(bytes.length + 1);
      longer.set(bytes);
      expect(isFrameRefusal(decodeInputFrame(longer))).toBe(true);
    }
    const huge = new Uint8Array(INPUT_FRAME_MAX + 1);
    huge[0] = INPUT_FRAME_TAG;
    expect(refusalOf(huge)).toMatch(/at most 200 bytes/);
    expect(refusalOf(new Uint8Array(64 * 1024).fill(INPUT_FRAME_TAG))).toMatch(/at most 200 bytes/);
  });

  it('refuses bad kinds, bad ids, bad numbers and bad text, and says which input it was', () => {
    const good = frame({ input: 'pad', value: { x: 0, y: 0 }, n: 77 });
    const withKind = (k: number) => Object.assign(good.slice(), { 1: k });
    for (const k of [0, 5, 9, 255]) expect(refusalOf(withKind(k))).toMatch(/unknown input frame kind/);
    expect((decodeInputFrame(withKind(0)) as { n: number }).n).toBe(77); // the refusal can still be answered by its number
    // the tag
    expect(refusalOf(Object.assign(good.slice(), { 0: 0xf0 }))).toMatch(/not an input frame/);
    // ids: empty, upper case, a leading dash, a control character, a length beyond the frame
    const idAt = (id: string) => {
      const f = frame({ input: 'x'.repeat(id.length), value: true, n: 1 }).slice();
      for (let i = 0; i < id.length; i++) f[15 + i] = id.charCodeAt(i);
      return f;
    };
    for (const id of ['PAD', '-pad', 'pa\u0000d', 'pad pad', 'pâd']) expect(refusalOf(idAt(id)), id).toMatch(/control id/);
    expect(refusalOf(Object.assign(frame({ input: 'go', value: true, n: 1 }).slice(), { 14: 0 }))).toMatch(/control id/);
    expect(refusalOf(Object.assign(frame({ input: 'go', value: true, n: 1 }).slice(), { 14: 65 }))).toMatch(/control id/);
    // values: xy out of the schema's bounds, not finite numbers, sentAt infinite
    const xy = frame({ input: 'pad', value: { x: 0, y: 0 }, n: 1 }).slice();
    new DataView(xy.buffer).setFloat64(18, 1.5, true);
    expect(refusalOf(xy)).toMatch(/between -1 and 1/);
    new DataView(xy.buffer).setFloat64(18, NaN, true);
    expect(refusalOf(xy)).toMatch(/between -1 and 1/);
    const num = frame({ input: 'level', value: 1, n: 1 }).slice();
    new DataView(num.buffer).setFloat64(20, Infinity, true);
    expect(refusalOf(num)).toMatch(/finite number/);
    const at = frame({ input: 'go', value: true, n: 1 }).slice();
    new DataView(at.buffer).setFloat64(6, -Infinity, true);
    expect(refusalOf(at)).toMatch(/sentAt/);
    // text: invalid UTF-8, more than 40 UTF-16 units, a length byte past the end
    const text = frame({ input: 'word', value: 'ab', n: 1 }).slice();
    text[text.length - 1] = 0xff;
    expect(refusalOf(text)).toMatch(/not valid UTF-8/);
    const long = frame({ input: 'word', value: 'a'.repeat(40), n: 1 });
    const longer = new Uint8Array(long.length + 1);
    longer.set(long);
    longer[long.length] = 97;
    longer[19] = 41; // 'word' is 4 bytes: the text's length byte is at 15 + 4
    expect(refusalOf(longer)).toMatch(/at most 40 characters/);
  });

  it('encodes only what a frame can carry (the page sends the rest as visitor:put)', () => {
    expect(encodeInputFrame({ input: 'go', value: false, n: 1 })).toBeNull();
    expect(encodeInputFrame({ input: 'Go', value: true, n: 1 })).toBeNull();
    expect(encodeInputFrame({ input: 'word', value: 'a'.repeat(41), n: 1 })).toBeNull();
    expect(encodeInputFrame({ input: 'go', value: true, n: 2 ** 32 })).toBeNull();
    expect(encodeInputFrame({ input: 'go', value: true, n: -1 })).toBeNull();
    expect(encodeInputFrame({ input: 'level', value: NaN, n: 1 })).toBeNull();
    expect(encodeInputFrame({ input: 'go', value: true, sentAt: Infinity, n: 1 })).toBeNull();
    expect(encodeInputFrame({ input: 'pad', value: { x: 0 }, n: 1 })).toBeNull();
  });

  it('checks control ids exactly as ID_PATTERN does', () => {
    const r = rng(7);
    const alphabet = 'abz09-A_ .é';
    for (let i = 0; i < 2000; i++) {
      const s = Array.from({ length: Math.floor(r() * 70) }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
      expect(isControlId(s), JSON.stringify(s)).toBe(ID_PATTERN.test(s));
    }
  });

  it('a decoded frame meets the same piece checks as any input: unknown controls and out-of-range values are refused', () => {
    const specs: InputSpec[] = [
      { id: 'pad', type: 'xy', label: 'Pad' },
      { id: 'level', type: 'slider', label: 'Level', min: 0, max: 10 },
      { id: 'word', type: 'text', label: 'Word', maxLength: 5 },
    ] as InputSpec[];
    const table = compileInputs(specs);
    const take = (msg: FrameInput) => checkInput(table, decodeInputFrame(frame(msg)));
    expect(take({ input: 'pad', value: { x: 0.5, y: 0.5 }, n: 1 })).toMatchObject({ input: 'pad', value: { x: 0.5, y: 0.5 } });
    expect(take({ input: 'nope', value: true, n: 1 })).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/no input 'nope'/) });
    expect(take({ input: 'level', value: 11, n: 1 })).toMatchObject({ code: 'bad_request' });
    expect(take({ input: 'word', value: 'toolong', n: 1 })).toMatchObject({ code: 'bad_request' });
    expect(take({ input: 'pad', value: true, n: 1 })).toMatchObject({ code: 'bad_request' });
  });
});

describe("the socket.io parser's decoder on the server (server/transport/visitor-frames.ts)", () => {
  const decoded = (d: parser.Decoder) => {
    const out: parser.Packet[] = [];
    d.on('decoded', (p: parser.Packet) => out.push(p));
    return out;
  };

  it('leaves input frames to the /visitor transport, and every other message as before', () => {
    const d = new InputFrameDecoder();
    const out = decoded(d);
    expect(() => d.add(Buffer.from(frame({ input: 'go', value: true, n: 1 })))).not.toThrow();
    expect(out).toEqual([]);
    d.add('2/visitor,["visitor:clock",{"path":"socketio"}]');
    expect(out).toMatchObject([{ type: parser.PacketType.EVENT, nsp: '/visitor', data: ['visitor:clock', { path: 'socketio' }] }]);
    // other binary data outside a binary packet is still a protocol error (the connection closes)
    expect(() => d.add(Buffer.from([1, 2, 3]))).toThrow(/binary data/);
    expect(() => new parser.Decoder().add(Buffer.from(frame({ input: 'go', value: true, n: 1 })))).toThrow(/binary data/); // what it was before
  });

  it("passes a binary packet's attachment through even when it starts with the tag", () => {
    const d = new InputFrameDecoder();
    const out = decoded(d);
    const attachment = Buffer.from([INPUT_FRAME_TAG, 1, 2]);
    d.add('51-/x,["blob",{"_placeholder":true,"num":0}]');
    d.add(attachment);
    expect(out).toHaveLength(1);
    expect((out[0]!.data as unknown[])[1]).toEqual(attachment);
  });
});
