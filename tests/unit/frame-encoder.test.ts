import { describe, expect, it } from 'vitest';
import * as parser from 'socket.io-parser';
import { pavilionParser } from '../../server/transport/encoder';

describe('socket.io encoder for input frames', () => {
  const standard = new parser.Encoder();
  const ours = new pavilionParser.Encoder();
  const frame = { wallId: 'main', seq: 7, at: 1763900000123.5, visitors: [{ id: 'vAbc', hue: 0.25, joinedAt: 1, input: { pad: { x: 0.5, y: -1 }, word: 'é "q" \u2028' } }], events: [], oldestSentAt: null };

  it('writes exactly what socket.io would for a frame (any namespace)', () => {
    for (const nsp of ['/display', '/']) {
      const packet = { type: parser.PacketType.EVENT, nsp, data: ['visitors:frame', frame] };
      expect(ours.encode(packet)).toEqual(standard.encode(packet));
      // and the standard decoder reads it back
      const decoder = new parser.Decoder();
      let got: unknown;
      decoder.on('decoded', (p: unknown) => (got = p));
      decoder.add(ours.encode(packet)[0]);
      expect(got).toMatchObject({ type: parser.PacketType.EVENT, nsp, data: ['visitors:frame', frame] });
    }
  });

  it('leaves every other packet to the standard encoder, binary included', () => {
    const packets = [
      { type: parser.PacketType.EVENT, nsp: '/display', data: ['display:view', { a: 1 }] },
      { type: parser.PacketType.EVENT, nsp: '/display', id: 3, data: ['visitors:frame', frame] },
      { type: parser.PacketType.ACK, nsp: '/visitor', id: 12, data: [{ ok: true, seq: 4 }] },
      { type: parser.PacketType.EVENT, nsp: '/control', data: ['control:thumbnail', { png: Buffer.from([1, 2, 3]) }] },
      { type: parser.PacketType.CONNECT, nsp: '/visitor', data: { sid: 'x' } },
    ];
    for (const p of packets) expect(ours.encode(p)).toEqual(standard.encode(p));
  });
});
