import { describe, expect, it } from 'vitest';
import { ErrorLog, messageOf, normaliseError, type HostError } from '../../client/host/errors';

describe('host errors: normalising and the log', () => {
  it('gives a readable message for anything thrown', () => {
    expect(messageOf(new TypeError('x is undefined'))).toBe('x is undefined');
    expect(messageOf('plain string')).toBe('plain string');
    expect(messageOf({ code: 7 })).toBe('{"code":7}');
    expect(messageOf(undefined)).toBe('undefined');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(messageOf(cycle)).toBe('[object Object]');
  });

  it('bounds message and stack, keeps the piece, version, phase and time', () => {
    const err = new Error('m'.repeat(5000));
    err.stack = 's'.repeat(20_000);
    const e = normaliseError({ installationId: 'echo', version: '1.2.0', phase: 'frame', error: err }, 42);
    expect(e).toMatchObject({ at: 42, installationId: 'echo', version: '1.2.0', phase: 'frame' });
    expect(e.message).toHaveLength(2000);
    expect(e.stack).toHaveLength(8000);
    expect('screen' in e).toBe(false);
    expect(normaliseError({ installationId: null, version: null, phase: 'app', error: 'x', screen: 'preview-2' }, 1)).toEqual({
      at: 1,
      installationId: null,
      version: null,
      phase: 'app',
      message: 'x',
      screen: 'preview-2',
    });
  });

  it('keeps the last `limit` entries, warns each, and survives a sender that throws', () => {
    const warned: string[] = [];
    const sent: HostError[] = [];
    let calls = 0;
    const log = new ErrorLog({
      limit: 3,
      label: '[test]',
      warn: (m) => warned.push(m),
      now: () => ++calls,
      send: (e) => {
        sent.push(e);
        throw new Error('offline');
      },
    });
    for (let i = 0; i < 5; i++) log.report({ installationId: 'p', version: null, phase: 'asset', error: new Error(`e${i}`) });
    expect(log.list().map((e) => e.message)).toEqual(['e2', 'e3', 'e4']);
    expect(sent).toHaveLength(5);
    expect(warned[0]).toBe('[test] asset error in p: e0');
    log.report({ installationId: null, version: null, phase: 'context', error: 'lost' });
    expect(warned.at(-1)).toBe('[test] context error in the screen: lost');
    log.clear();
    expect(log.list()).toEqual([]);
  });
});
