import { describe, expect, it } from 'vitest';
import { parseSioPacket, sioFrame } from '../../bench/visitors/light-phone';

/** The bench's light phone writes and reads socket.io's packets by hand: the same bytes as socket.io-client. */
describe("the light phone's socket.io framing", () => {
  it('writes the packets socket.io-client writes', () => {
    expect(sioFrame(0, '/visitor')).toBe('40/visitor,');
    expect(sioFrame(2, '/visitor', ['visitor:put', { input: 'pad', value: { x: 0.5, y: -1 }, n: 3 }])).toBe('42/visitor,["visitor:put",{"input":"pad","value":{"x":0.5,"y":-1},"n":3}]');
    expect(sioFrame(2, '/visitor', ['visitor:join', { wallId: 'main' }], 12)).toBe('42/visitor,12["visitor:join",{"wallId":"main"}]');
    expect(sioFrame(2, '/', ['hello'])).toBe('42["hello"]');
  });

  it('reads what the server sends: connect, events, acks, refusals', () => {
    expect(parseSioPacket('0/visitor,{"sid":"abc"}')).toEqual({ type: 0, nsp: '/visitor', id: null, data: { sid: 'abc' } });
    expect(parseSioPacket('2/visitor,["visitor:acked",{"ok":true,"n":7,"h":12}]')).toEqual({ type: 2, nsp: '/visitor', id: null, data: ['visitor:acked', { ok: true, n: 7, h: 12 }] });
    expect(parseSioPacket('3/visitor,12[{"ok":true,"seq":4}]')).toEqual({ type: 3, nsp: '/visitor', id: 12, data: [{ ok: true, seq: 4 }] });
    expect(parseSioPacket('4/visitor,{"message":"rate_limited: …"}')).toMatchObject({ type: 4, nsp: '/visitor', data: { message: 'rate_limited: …' } });
    expect(parseSioPacket('1/visitor,')).toEqual({ type: 1, nsp: '/visitor', id: null, data: undefined });
    expect(parseSioPacket('2["x"]')).toEqual({ type: 2, nsp: '/', id: null, data: ['x'] });
  });

  it('round-trips every packet it writes', () => {
    for (const [type, nsp, data, id] of [
      [2, '/visitor', ['visitor:put', { input: 'go', value: true, n: 1 }], undefined],
      [2, '/visitor', ['visitor:join', { wallId: 'main', visitorId: 'abcdefgh' }], 0],
      [3, '/visitor', [{ ok: false, error: { code: 'bad_request', message: 'no' } }], 99],
      [0, '/visitor', undefined, undefined],
    ] as const) {
      const frame = sioFrame(type, nsp, data, id);
      expect(frame[0]).toBe('4'); // an engine.io message
      expect(parseSioPacket(frame.slice(1))).toEqual({ type, nsp, id: id ?? null, data });
    }
  });

  it('refuses what is not a packet', () => {
    for (const bad of ['', '9', 'x', '2/visitor,{not json', '2/visitor,["a"', '3/visitor,12[{]']) expect(parseSioPacket(bad), bad).toBeNull();
  });
});
