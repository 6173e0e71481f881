import { describe, expect, it } from 'vitest';
import { WARM_WAIT_MS, WarmCache, mixAt, programOf, type RendererLike } from '../../client/host';
import { playing, testHost } from './host-fixtures';

const T = 5_000_000;
/** A renderer as the host reads it: a screen is attached, so runs must warm before they switch. */
const renderer = (memory = { geometries: 0, textures: 0 }): RendererLike => ({ info: { memory, programs: [] }, getContext: () => ({}) as WebGLRenderingContext });

describe('host: warm before the cue', () => {
  it('mounts the next run off-screen, switches at `at` only once it is warm, and reports the whole warm-up', async () => {
    const preloads: Array<{ installationId: string; ms: number }> = [];
    const { host, pieces, timers, frameAt } = testHost({ sendPreload: (p) => preloads.push(p) });
    host.attachRenderer('main-1', renderer());
    host.setProgram(programOf(playing('canopy', T)));
    timers.now = 100;
    await pieces.arrive('canopy');
    frameAt(T - 500);
    expect(host.snapshot().incoming?.key).toBe(`canopy@1.0.0@${T}`); // built off-screen during the lead
    expect(host.snapshot().run).toBeNull();
    expect(preloads).toEqual([]); // the module alone is not the warm-up
    frameAt(T + 1);
    expect(host.snapshot().run).toBeNull(); // not warm: it waits (late, but no hitch)
    timers.now = 400;
    host.warmed(`canopy@1.0.0@${T}`, 'main-1');
    expect(preloads).toEqual([expect.objectContaining({ installationId: 'canopy', ms: 400 })]);
    frameAt(T + 17);
    expect(host.snapshot().run?.installationId).toBe('canopy');
    expect(host.snapshot().incoming).toBeNull();
    expect(host.lastWarm).toEqual({ installationId: 'canopy', ms: 400, cold: true, lateMs: 17 });
  });

  it('a run warm before its start switches on the first frame at or after it: lateness 0', async () => {
    const { host, pieces, frameAt } = testHost();
    host.attachRenderer('main-1', renderer());
    host.setProgram(programOf(playing('echo', T)));
    await pieces.arrive('echo');
    frameAt(T - 1000);
    host.warmed(`echo@1.0.0@${T}`, 'main-1');
    frameAt(T - 0.5);
    expect(host.snapshot().run).toBeNull();
    frameAt(T);
    expect(host.lastSwitch).toEqual({ installationId: 'echo', showTime: T });
    expect(host.lastWarm?.lateMs).toBe(0);
  });

  it('every screen of the host must be warm; a warm-up that never comes switches WARM_WAIT_MS late', async () => {
    const { host, pieces, frameAt } = testHost();
    host.attachRenderer('a', renderer());
    host.attachRenderer('b', renderer());
    host.setProgram(programOf(playing('facade', T)));
    await pieces.arrive('facade');
    frameAt(T - 100);
    host.warmed(`facade@1.0.0@${T}`, 'a');
    frameAt(T + 10);
    expect(host.snapshot().run).toBeNull();
    frameAt(T + WARM_WAIT_MS - 1);
    expect(host.snapshot().run).toBeNull();
    frameAt(T + WARM_WAIT_MS);
    expect(host.snapshot().run?.installationId).toBe('facade');
  });
});

describe('host: the warm-ups of runs that are gone', () => {
  it('a run that failed on screen is not kept when the next one plays, and its warm-ups are forgotten', async () => {
    const { host, pieces, frameAt } = testHost();
    host.attachRenderer('main-1', renderer());
    host.setProgram(programOf(playing('canopy', T)));
    await pieces.arrive('canopy');
    frameAt(T - 100);
    const key = `canopy@1.0.0@${T}`;
    host.warmed(key, 'main-1');
    frameAt(T);
    expect(host.snapshot().run?.key).toBe(key);
    host.fail('render', new Error('boom'), key);
    expect(host.isWarm(key, 'main-1')).toBe(true); // on screen still (the fallback in its place)
    host.setProgram(programOf(playing('echo', T + 1000)));
    await pieces.arrive('echo');
    frameAt(T + 900);
    host.warmed(`echo@1.0.0@${T + 1000}`, 'main-1');
    frameAt(T + 1000);
    expect(host.snapshot().run?.installationId).toBe('echo');
    expect(host.warmCache().pieces).toEqual([]); // the failed run is not kept warm
    expect(host.isWarm(key, 'main-1'), 'the failed run is gone: nothing of it is kept').toBe(false);
  });
});

describe('host: transitions from show time', () => {
  async function crossfade(pausedAt: number | null = null) {
    const t = testHost();
    const { host, pieces, frameAt } = t;
    host.setProgram(programOf(playing('canopy', T)));
    await pieces.arrive('canopy');
    frameAt(T);
    const next = playing('echo', T + 1000, { transition: { type: 'crossfade', ms: 2000 }, pausedAt });
    host.setProgram(programOf(next));
    await pieces.arrive('echo');
    return t;
  }

  it('a crossfade shows both runs, with the progress of the incoming run’s own time; the outgoing one is kept warm after', async () => {
    const { host, frameAt } = await crossfade();
    frameAt(T + 999);
    expect(host.transition()).toBeNull();
    frameAt(T + 1000);
    expect(host.transition()).toEqual({ from: 'canopy', to: 'echo', type: 'crossfade', progress: 0 });
    frameAt(T + 2000);
    expect(host.transition()?.progress).toBeCloseTo(0.5);
    expect(host.snapshot().outgoing?.installationId).toBe('canopy');
    expect(host.mix()).toMatchObject({ type: 'crossfade', opacity: 0.5 });
    frameAt(T + 3000);
    expect(host.transition()).toBeNull();
    expect(host.snapshot().outgoing).toBeNull();
    expect(host.warmCache().pieces).toEqual(['canopy@1.0.0']);
  });

  it('a pause inside the transition holds that exact mix, and both pictures', async () => {
    const { host, frameAt } = await crossfade(T + 2000);
    frameAt(T + 1000);
    frameAt(T + 1990);
    const outgoingTime = host.snapshot().outgoing!.shared.time;
    frameAt(T + 2500);
    frameAt(T + 9000);
    expect(host.transition()).toEqual({ from: 'canopy', to: 'echo', type: 'crossfade', progress: 0.5 });
    expect(host.snapshot().run!.shared.time.seconds).toBe(1);
    expect(outgoingTime.now).toBe(T + 2000);
    expect(outgoingTime.paused).toBe(true);
  });

  it('a fade goes out to black, then in from black; sound follows the picture', () => {
    expect(mixAt('fade', 0.25)).toMatchObject({ show: 'outgoing', black: 0.5, gainOut: 0.5, gainIn: 0 });
    expect(mixAt('fade', 0.75)).toMatchObject({ show: 'incoming', black: 0.5, gainOut: 0, gainIn: 0.5 });
    const mid = mixAt('crossfade', 0.5);
    expect(mid.gainIn ** 2 + mid.gainOut ** 2).toBeCloseTo(1); // equal power: no dip in the middle
  });
});

describe('warm cache: bounded by count and by renderer memory', () => {
  it('keeps the most recently used pieces, evicting the oldest', () => {
    const c = new WarmCache<string>({ count: 2, memory: 100 });
    expect(c.put('a', 'A')).toEqual([]);
    expect(c.put('b', 'B')).toEqual([]);
    c.touch('a');
    expect(c.put('c', 'C')).toEqual(['B']);
    expect(c.keys()).toEqual(['a', 'c']);
    expect(c.put('a', 'A2')).toEqual(['A']); // a newer run of the same piece replaces the older one
    expect(c.trim({ geometries: 60, textures: 30, programs: 9 })).toEqual([]);
    expect(c.trim({ geometries: 90, textures: 30, programs: 9 })).toEqual(['C']);
  });

  it('the host keeps played runs warm, and drops the oldest past the count', async () => {
    const { host, pieces, frameAt } = testHost({ warmCache: { count: 1, memory: 1e9 } });
    let at = T;
    for (const id of ['canopy', 'echo', 'facade']) {
      host.setProgram(programOf(playing(id, at)));
      await pieces.arrive(id);
      frameAt(at);
      at += 1000;
    }
    expect(host.snapshot().run?.installationId).toBe('facade');
    expect(host.warmCache().pieces).toEqual(['echo@1.0.0']);
    expect(host.snapshot().kept.map((r) => r.installationId)).toEqual(['echo']);
  });
});
