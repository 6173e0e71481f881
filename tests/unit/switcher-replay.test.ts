import { describe, expect, it } from 'vitest';
import { WARM_WAIT_MS, programOf } from '../../client/host';
import { switchedTo } from '../support/switched';
import { LoadedPieces, fakeRenderer, playing, settle, testHost, wallView } from './host-fixtures';

/*
 * The contract test's replay (tests/e2e/contract.test.ts): a wall stopped, then played again from a
 * start already past (a few seconds ago), on a screen that must warm runs before it switches them.
 * The host switches on the first frame after the view (WARM_WAIT_MS past the start: it does not wait
 * for a warm-up), whatever it holds: nothing kept (warm cache 0), or a kept run of the piece
 * (adopted). That frame may have begun before the command reached the stage (under load a frame
 * waits behind a busy main thread with its old timestamp, and every stage of a browser shares one
 * main thread): its show time is then older than the command, and a test must not take "switched at
 * or after the command" as the sign of a switch (tests/support/switched.ts).
 */

const T = 5_000_000;

const STOP = T + 5400;

/**
 * A screen host (one renderer attached: runs must warm) that played laser-score from T, was paused
 * at T + 5000 and stopped at STOP, as the contract test does before its replay.
 */
async function stoppedAfterPlay(warmCount: number) {
  const t = testHost({ pieces: new LoadedPieces(), warmCache: { count: warmCount, memory: 1e9 } });
  t.host.attachRenderer('main-1', fakeRenderer());
  t.host.setProgram(programOf(playing('laser-score', T)));
  await settle();
  t.frameAt(T - 500);
  t.host.warmed(t.host.snapshot().incoming!.key, 'main-1');
  t.frameAt(T);
  expect(t.host.snapshot().run?.installationId).toBe('laser-score');
  t.host.setProgram(programOf(playing('laser-score', T, { pausedAt: T + 5000 })));
  t.frameAt(T + 5200);
  t.host.setProgram(programOf(wallView({ startedAt: STOP })));
  t.frameAt(STOP);
  expect(t.host.snapshot().run).toBeNull();
  expect(t.host.lastSwitch).toEqual({ installationId: null, showTime: STOP });
  return t;
}

describe('a replay from a start already past, right after a stop', () => {
  for (const [name, warmCount] of [
    ['nothing kept warm (the contract test: warm cache 0)', 0],
    ['the stopped run kept warm, adopted', 3],
  ] as const)
    it(`switches on the first frame after the view, and that frame may be older than the command: ${name}`, async () => {
      const { host, frameAt } = await stoppedAfterPlay(warmCount);
      const prev = host.lastSwitch;
      // The command goes out at show time C; the replay starts at T + 1, more than WARM_WAIT_MS before.
      const C = STOP + 600;
      const key = `laser-score@1.0.0@${T + 1}`;
      expect(C - (T + 1)).toBeGreaterThan(WARM_WAIT_MS);
      host.setProgram(programOf(playing('laser-score', T + 1)));
      await settle();
      // The stage's next frame began 120 ms before the command (its main thread was busy).
      frameAt(C - 120);
      expect(host.snapshot().run?.key).toBe(key);
      expect(host.lastSwitch).toEqual({ installationId: 'laser-score', showTime: C - 120 });
      // What a test sees of it: a new switch to the piece, though its show time is before the command.
      expect(host.lastSwitch!.showTime).toBeLessThan(C);
      expect(switchedTo(prev, host.lastSwitch, 'laser-score')).toBe(true);
    });

  it('a start less than WARM_WAIT_MS past waits for the warm-up, at most until start + WARM_WAIT_MS', async () => {
    const { host, frameAt } = await stoppedAfterPlay(0);
    const start = STOP + 100;
    host.setProgram(programOf(playing('laser-score', start)));
    await settle();
    frameAt(start + 200);
    expect(host.snapshot().run, 'not warm on the screen yet').toBeNull();
    expect(host.snapshot().incoming?.key).toBe(`laser-score@1.0.0@${start}`);
    frameAt(start + WARM_WAIT_MS - 1);
    expect(host.snapshot().run).toBeNull();
    frameAt(start + WARM_WAIT_MS);
    expect(host.snapshot().run?.installationId).toBe('laser-score');
  });

  it('a replay with the very same start as the stopped run is a new run after the stop', async () => {
    const { host, frameAt } = await stoppedAfterPlay(3);
    const prev = host.lastSwitch;
    host.setProgram(programOf(playing('laser-score', T)));
    await settle();
    frameAt(STOP + 500);
    expect(host.snapshot().run?.key).toBe(`laser-score@1.0.0@${T}`);
    expect(switchedTo(prev, host.lastSwitch, 'laser-score')).toBe(true);
  });
});

describe('switchedTo: how a test tells that a screen switched (tests/support/switched.ts)', () => {
  const prev = { installationId: null, showTime: 1000 };
  it('a new switch to the piece, even one whose frame began before the command', () => {
    expect(switchedTo(prev, { installationId: 'echo', showTime: 990 }, 'echo')).toBe(true);
    expect(switchedTo(null, { installationId: 'echo', showTime: 5 }, 'echo')).toBe(true);
    expect(switchedTo({ installationId: 'echo', showTime: 500 }, { installationId: 'echo', showTime: 1500 }, 'echo')).toBe(true);
  });
  it('not the switch seen before the command, nor one to another piece', () => {
    expect(switchedTo({ installationId: 'echo', showTime: 500 }, { installationId: 'echo', showTime: 500 }, 'echo')).toBe(false);
    expect(switchedTo(prev, prev, null)).toBe(false);
    expect(switchedTo(prev, { installationId: 'canopy', showTime: 1500 }, 'echo')).toBe(false);
    expect(switchedTo(prev, null, 'echo')).toBe(false);
  });
});
