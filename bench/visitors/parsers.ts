/**
 * socket.io's default parser (JSON) against socket.io-msgpack-parser 3.0, on what the visitor path
 * carries: decoding one phone input (`visitor:put`), encoding its folded answer, and encoding one
 * input frame of N visitors for the screens. CPU only (one process, no sockets):
 *   npx tsx bench/visitors/parsers.ts [--visitors 1000] [--rounds 5]
 * The parser is a whole server's (socket.io's `parser` option), so msgpack would change every
 * namespace's wire format and every page's client, not only /visitor.
 */
import * as json from 'socket.io-parser';
import * as msgpack from 'socket.io-msgpack-parser';
import { arg } from '../lib/args';

const VISITORS = arg('visitors', 1000);
const ROUNDS = arg('rounds', 5);

type Parser = { Encoder: new () => { encode(p: unknown): unknown[] }; Decoder: new () => { add(d: unknown): void; on(e: 'decoded', f: (p: unknown) => void): void } };
const parsers: Record<string, Parser> = { json: json as unknown as Parser, msgpack: msgpack as unknown as Parser };

const input = { type: 2, nsp: '/visitor', data: ['visitor:put', { input: 'pad', value: { x: 0.1234, y: -0.5678 }, sentAt: 1764480000123, n: 4711 }] };
const ack = { type: 2, nsp: '/visitor', data: ['visitor:acked', { ok: true, n: 4711, h: 37 }] };
const frame = {
  type: 2,
  nsp: '/display',
  data: [
    'visitors:frame',
    {
      wallId: 'main',
      seq: 123456,
      at: 1764480000123,
      visitors: Array.from({ length: VISITORS }, (_, i) => ({ id: `v${String(i).padStart(15, 'x')}`, hue: 0.1234, joinedAt: 1764480000000, inputAt: 1764480000100 + i, input: { pad: { x: 0.1234, y: -0.5678 } }, sentAt: 1764480000090 + i })),
      events: [],
      oldestSentAt: 1764480000090,
    },
  ],
};

/** µs per call of `fn`, best of ROUNDS rounds of `n` calls. */
function time(n: number, fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    best = Math.min(best, ((performance.now() - t0) * 1000) / n);
  }
  return best;
}

console.log(`parsers: µs per operation (best of ${ROUNDS}), node ${process.version}; a frame of ${VISITORS} visitors`);
console.log('parser  | decode input | encode answer | encode frame | input bytes | frame bytes');
for (const [name, p] of Object.entries(parsers)) {
  const enc = new p.Encoder();
  const wire = enc.encode(input);
  const dec = new p.Decoder();
  let decoded = 0;
  dec.on('decoded', () => void decoded++);
  const decodeUs = time(50_000, () => {
    for (const w of wire) dec.add(w);
  });
  if (!decoded) throw new Error(`${name}: nothing decoded`);
  const ackUs = time(50_000, () => void enc.encode(ack));
  const frameUs = time(50, () => void enc.encode(frame));
  const size = (ws: unknown[]) => ws.reduce<number>((s, w) => s + (typeof w === 'string' ? Buffer.byteLength(w) : (w as Uint8Array).byteLength), 0);
  console.log(`${name.padEnd(7)} | ${decodeUs.toFixed(2).padStart(12)} | ${ackUs.toFixed(2).padStart(13)} | ${frameUs.toFixed(0).padStart(12)} | ${String(size(wire)).padStart(11)} | ${String(size(enc.encode(frame))).padStart(11)}`);
}
