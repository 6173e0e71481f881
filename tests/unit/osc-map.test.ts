import { describe, expect, it } from 'vitest';
import type { OscArg } from 'osc';
import { Command } from '../../protocol';
import { commandOf, TIMED_TYPES } from '../../server/links/osc-map';
import { parseAllowList, LOOPBACK_ONLY } from '../../server/links/osc-allow';
import { parseTargets } from '../../server/links/osc-out';
import { oscFromEnv } from '../../server/links/osc-link';

const m = (address: string, ...args: OscArg[]) => commandOf({ address, args });
const s = (value: string): OscArg => ({ type: 's', value });
const i = (value: number): OscArg => ({ type: 'i', value });

describe('OSC addresses map onto the command language', () => {
  it('maps every listed address to a command the Command schema accepts', () => {
    const cases: Array<[ReturnType<typeof m>, unknown]> = [
      [m('/pavilion/cue/go'), { type: 'cue.go' }],
      [m('/pavilion/cue/go', s('intro')), { type: 'cue.go', cueId: 'intro' }],
      [m('/pavilion/cue/go', i(3)), { type: 'cue.go', cueId: '3' }],
      [m('/pavilion/cue/next'), { type: 'cue.next' }],
      [m('/pavilion/cue/back'), { type: 'cue.back' }],
      [m('/pavilion/wall/main/play', s('canopy')), { type: 'wall.play', wallId: 'main', installationId: 'canopy' }],
      [m('/pavilion/wall/main/param/speed', { type: 'f', value: 1.5 }), { type: 'wall.params', wallId: 'main', params: { speed: 1.5 } }],
      [m('/pavilion/wall/main/pause'), { type: 'wall.pause', wallId: 'main' }],
      [m('/pavilion/wall/main/resume'), { type: 'wall.resume', wallId: 'main' }],
      [m('/pavilion/wall/main/stop'), { type: 'wall.stop', wallId: 'main' }],
      [m('/pavilion/blackout', i(1)), { type: 'show.blackout', on: true }],
      [m('/pavilion/blackout', { type: 'F', value: false }), { type: 'show.blackout', on: false }],
      [m('/pavilion/volume', { type: 'f', value: 0.5 }), { type: 'show.volume', volume: 0.5 }],
      [m('/pavilion/screen/main-1/pattern', s('identify')), { type: 'screen.identify', screenId: 'main-1' }],
      [m('/pavilion/screen/main-1/pattern', s('grid')), { type: 'screen.pattern', screenId: 'main-1', pattern: 'grid' }],
    ];
    for (const [got, want] of cases) {
      expect(got).toEqual({ ok: true, command: want });
      expect(Command.safeParse(want).success).toBe(true);
    }
  });

  it('reads 0/1 as a boolean only for a boolean param', () => {
    const type = (_wall: string, name: string) => (name === 'strobe' ? 'boolean' : 'number');
    expect(commandOf({ address: '/pavilion/wall/main/param/strobe', args: [i(1)] }, type)).toMatchObject({ command: { params: { strobe: true } } });
    expect(commandOf({ address: '/pavilion/wall/main/param/speed', args: [i(1)] }, type)).toMatchObject({ command: { params: { speed: 1 } } });
  });

  it('refuses what no command means, saying what to send', () => {
    expect(m('/other/thing')).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('/pavilion/cue/go') } });
    expect(m('/pavilion/wall/main/play')).toMatchObject({ ok: false, error: { message: expect.stringContaining('takes one piece id') } });
    expect(m('/pavilion/cue/next', i(1))).toMatchObject({ ok: false, error: { message: expect.stringContaining('no arguments') } });
    expect(m('/pavilion/blackout', i(2))).toMatchObject({ ok: false, error: { message: expect.stringContaining('0 (lights on) or 1') } });
    expect(m('/pavilion/volume', s('loud'))).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(m('/pavilion/wall/main/play', { type: 'b', value: new Uint8Array(4) })).toMatchObject({ ok: false, error: { message: expect.stringContaining("OSC type 'b'") } });
    expect(m('/pavilion/wall//play', s('x'))).toMatchObject({ ok: false });
  });

  it('knows which commands take `at` from the schema', () => {
    for (const t of ['wall.play', 'wall.params', 'wall.stop', 'wall.pause']) expect(TIMED_TYPES.has(t)).toBe(true);
    for (const t of ['cue.go', 'show.blackout', 'wall.resume']) expect(TIMED_TYPES.has(t)).toBe(false);
  });
});

describe('OSC configuration', () => {
  it('allows loopback by default and exactly what the list names', () => {
    const loop = parseAllowList(LOOPBACK_ONLY);
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].map((a) => loop.allows(a))).toEqual([true, true, true, true]);
    expect(['10.0.0.1', '::2', '', undefined].map((a) => loop.allows(a))).toEqual([false, false, false, false]);
    const venue = parseAllowList(['192.168.10.20', '10.0.5.0/24', 'fd00::/8']);
    expect(['192.168.10.20', '192.168.10.21', '10.0.5.200', '10.0.6.1', 'fd00::1', '127.0.0.1'].map((a) => venue.allows(a))).toEqual([true, false, true, false, true, false]);
    for (const bad of ['pavilion.local', '10.0.0.0/33', '1.2.3.4/x', '::1/200'])
      expect(() => parseAllowList([bad])).toThrow(/PAVILION_OSC_ALLOW entry .* give e\.g\./);
  });

  it('parses PAVILION_OSC_OUT and the environment, and stops on bad values', () => {
    expect(parseTargets('127.0.0.1:53000, qlab.local:53001,[::1]:9000')).toEqual([
      { host: '127.0.0.1', port: 53000 }, { host: 'qlab.local', port: 53001 }, { host: '::1', port: 9000 },
    ]);
    expect(() => parseTargets('qlab.local')).toThrow(/not host:port/);
    expect(() => parseTargets('a:70000')).toThrow(/not host:port/);
    expect(oscFromEnv({})).toBeUndefined();
    expect(oscFromEnv({ PAVILION_OSC_PORT: '53001', PAVILION_OSC_ALLOW: '10.0.0.0/8' })).toEqual({ port: 53001, allow: ['10.0.0.0/8'] });
    expect(() => oscFromEnv({ PAVILION_OSC_PORT: 'osc' })).toThrow(/PAVILION_OSC_PORT='osc' is not valid/);
    expect(() => oscFromEnv({ PAVILION_OSC_PORT: '53001', PAVILION_OSC_ALLOW: 'everyone' })).toThrow(/PAVILION_OSC_ALLOW/);
  });
});
