import { describe, expect, it } from 'vitest';
import { programOf, seedOf } from '../../client/host';
import { LoadedPieces, fakeRenderer, playing, settle, testHost } from './host-fixtures';

/*
 * A warm switch makes the warmed run the live one: a run of a piece already mounted (kept warm
 * after it played, or warmed ahead of its cue) is adopted by the next run of that piece: the same
 * slot (its React subtree and scene), the same live time object, re-keyed with the new start. It
 * warms again under its new key (a draw off-screen, its programs compiled already) before it
 * switches, on a fake clock.
 */

const T = 5_000_000;

/** Modules in the page already (one object per piece, as PieceLoader caches them): a load resolves at once. */

/** A host with one screen (runs must warm on it before they switch), on a fake clock. */
function screenHost(warmCache = { count: 3, memory: 1e9 }, memory = { geometries: 0, textures: 0 }) {
  const preloads: Array<{ installationId: string; ms: number; cold: boolean }> = [];
  const t = testHost({ pieces: new LoadedPieces(), warmCache, sendPreload: (p) => preloads.push(p) });
  t.host.attachRenderer('main-1', fakeRenderer(memory));
  /** Plays `id` from `at`: announced, warmed on the screen (what the mount layer reports), switched. */
  const play = async (id: string, at: number, over: Parameters<typeof playing>[2] = {}) => {
    t.host.setProgram(programOf(playing(id, at, over)));
    await settle();
    t.frameAt(at - 500); // the module is in: the next run is there off-screen
    const inc = t.host.snapshot().incoming!;
    t.host.warmed(inc.key, 'main-1');
    t.frameAt(at);
    return inc;
  };
  return { ...t, preloads, play };
}

describe('warm switch: the warmed run becomes the live one', () => {
  it('a piece kept warm after it played is adopted by its next run: same slot and time object, new key and start, not mounted again', async () => {
    const { host, frameAt, play, preloads } = screenHost();
    await play('canopy', T);
    const first = host.snapshot().run!;
    await play('echo', T + 1000);
    expect(host.snapshot().kept.map((r) => r.slot)).toEqual([first.slot]);
    expect(host.warmPieces(), 'what its health report says it holds warm: canopy kept, echo on screen').toEqual(['canopy@1.0.0', 'echo@1.0.0']);

    host.setProgram(programOf(playing('canopy', T + 5000)));
    await settle();
    frameAt(T + 2000);
    const inc = host.snapshot().incoming!;
    expect(inc.slot, 'the kept run, not a new mount').toBe(first.slot);
    expect(inc.key).toBe(`canopy@1.0.0@${T + 5000}`);
    expect(inc.startedAt).toBe(T + 5000);
    expect(inc.shared).toBe(first.shared); // the live objects the piece holds
    expect(inc.shared.time).toMatchObject({ now: T + 5000, seconds: 0 });
    expect(host.snapshot().kept, 'taken out of the cache while it plays').toEqual([]);

    // It warms again under its new key (one draw off-screen) before it may switch.
    frameAt(T + 5000);
    expect(host.snapshot().run?.installationId).toBe('echo');
    const reported = preloads.length;
    expect(host.warmPieces(), 'canopy is taken out of the cache while it comes in: echo, on screen, is held warm').toEqual(['echo@1.0.0']);
    host.warmed(inc.key, 'main-1');
    expect(preloads.slice(reported), 'the adoption time, marked so: the server sizes a warm play on it, not a mount').toEqual([expect.objectContaining({ installationId: 'canopy', adopted: true })]);
    frameAt(T + 5016);
    expect(host.snapshot().run?.slot).toBe(first.slot);
    expect(host.snapshot().run?.shared.time.seconds).toBeCloseTo(0.016);
    expect(host.lastWarm).toMatchObject({ installationId: 'canopy', adopted: true, cold: false, lateMs: 16 });
    expect(host.warmCache().pieces).toEqual(['echo@1.0.0']);
  });

  it('a piece warmed ahead of its cue with its wall’s seed is adopted by the cue’s run; one warmed for another wall is not', async () => {
    const { host, frameAt, play } = screenHost();
    await play('canopy', T);
    host.warmAhead({ installationId: 'echo', version: '1.0.0', moduleUrl: null, seed: seedOf('main', 'echo') });
    host.warmAhead({ installationId: 'facade', version: '1.0.0', moduleUrl: null, seed: seedOf('side', 'facade') });
    await settle();
    const [echo, facade] = host.snapshot().kept;
    expect([echo?.installationId, facade?.installationId]).toEqual(['echo', 'facade']);

    host.setProgram(programOf(playing('echo', T + 3000, { transition: { type: 'crossfade', ms: 1000 } })));
    await settle();
    frameAt(T + 1000);
    expect(host.snapshot().incoming?.slot).toBe(echo!.slot);
    host.warmed(host.snapshot().incoming!.key, 'main-1');
    frameAt(T + 3000);
    expect(host.snapshot().run?.slot).toBe(echo!.slot);
    expect(host.transition()).toMatchObject({ from: 'canopy', to: 'echo', progress: 0 });

    // facade was warmed with another wall's seed: this wall's run of it is a mount of its own.
    host.setProgram(programOf(playing('facade', T + 6000)));
    await settle();
    frameAt(T + 4500);
    expect(host.snapshot().incoming?.slot).not.toBe(facade!.slot);
    expect(host.snapshot().incoming?.seed).toBe(seedOf('main', 'facade'));
  });

  it('names as warm, for its health report, a piece warmed ahead only once it is warm, and never one warmed for another wall', async () => {
    const { host, play } = screenHost();
    await play('canopy', T);
    host.warmAhead({ installationId: 'echo', version: '1.0.0', moduleUrl: null, seed: seedOf('main', 'echo') });
    host.warmAhead({ installationId: 'facade', version: '1.0.0', moduleUrl: null, seed: seedOf('side', 'facade') });
    await settle();
    const [echo, facade] = host.snapshot().kept;
    expect(host.warmPieces(), 'echo is still warming; facade has another wall’s seed').toEqual(['canopy@1.0.0']);
    host.warmed(echo!.key, 'main-1');
    host.warmed(facade!.key, 'main-1');
    expect(host.warmPieces()).toEqual(['echo@1.0.0', 'canopy@1.0.0']);
  });

  it('a run whose start moves before its switch keeps its mount', async () => {
    const { host, frameAt } = screenHost();
    host.setProgram(programOf(playing('canopy', T)));
    await settle();
    frameAt(T - 900);
    const first = host.snapshot().incoming!;
    host.setProgram(programOf(playing('canopy', T + 2000)));
    await settle();
    frameAt(T - 800);
    expect(host.snapshot().incoming).toMatchObject({ slot: first.slot, startedAt: T + 2000 });
  });

  it('the cache keeps its bounds with adoption: count, and renderer memory', async () => {
    const { host, play } = screenHost({ count: 2, memory: 1e9 });
    let at = T;
    const slots = new Map<string, string>();
    // canopy comes back while kept (adopted); echo and facade come back after they were pushed out (mounted again).
    const adopted: boolean[] = [];
    for (const id of ['canopy', 'echo', 'facade', 'canopy', 'laser-score', 'echo', 'facade']) {
      await play(id, (at += 1000));
      const slot = host.snapshot().run!.slot;
      if (slots.has(id)) adopted.push(slots.get(id) === slot);
      slots.set(id, slot);
      expect(host.warmCache().pieces.length).toBeLessThanOrEqual(2);
      expect(host.snapshot().kept.every((r) => r.installationId !== id), 'the piece on screen is not in the cache').toBe(true);
    }
    expect(adopted).toEqual([true, false, false]);
    expect(host.warmCache().pieces).toEqual(['laser-score@1.0.0', 'echo@1.0.0']);

    const memory = { geometries: 900, textures: 700 };
    const heavy = screenHost({ count: 3, memory: 1500 }, memory);
    at = T;
    for (const id of ['canopy', 'echo', 'facade']) await heavy.play(id, (at += 1000));
    expect(heavy.host.warmCache().pieces).toEqual(['canopy@1.0.0', 'echo@1.0.0']);
    for (let f = 1; f <= 120; f++) heavy.frameAt(at + f * 16);
    expect(heavy.host.warmCache().pieces, 'one dropped per check (each 60 frames) past the memory bound').toEqual([]);
  });
});

describe('a run leaves with the timing it last had', () => {
  it('a resume and the next play between two frames: the outgoing picture is timed by the resume', async () => {
    const { host, frameAt, play } = screenHost();
    await play('canopy', T);
    host.setProgram(programOf(playing('canopy', T, { pausedAt: T + 1000 })));
    frameAt(T + 1500);
    expect(host.snapshot().run?.shared.time).toMatchObject({ seconds: 1, paused: true });
    // Resumed at T + 4000 (held 3 s), and a crossfade to echo announced before the next frame.
    host.setProgram(programOf(playing('canopy', T, { heldMs: 3000 })));
    host.setProgram(programOf(playing('echo', T + 6000, { transition: { type: 'crossfade', ms: 2000 } })));
    await settle();
    frameAt(T + 5000);
    expect(host.snapshot().run?.shared.time, 'canopy plays on after the resume').toMatchObject({ seconds: 2, paused: false });
    host.warmed(host.snapshot().incoming!.key, 'main-1');
    frameAt(T + 7000);
    expect(host.transition()?.progress).toBeCloseTo(0.5);
    expect(host.snapshot().outgoing?.shared.time.seconds).toBeCloseTo(4); // 7 s since its start, 3 s of them held
  });

  it('a target back to the run on screen calls off the run announced since', async () => {
    const { host, frameAt, play } = screenHost();
    await play('canopy', T);
    host.setProgram(programOf(playing('echo', T + 2000)));
    await settle();
    frameAt(T + 1000);
    expect(host.snapshot().incoming?.installationId).toBe('echo');
    host.setProgram(programOf(playing('canopy', T)));
    frameAt(T + 1500);
    host.warmed(`echo@1.0.0@${T + 2000}`, 'main-1');
    frameAt(T + 2500);
    expect(host.snapshot().run?.installationId).toBe('canopy');
    expect(host.snapshot().incoming).toBeNull();
    expect(host.warmCache().pieces, 'called off, it stays warm').toEqual(['echo@1.0.0']);
  });

  it('a switch to a run warm on every screen is a change of roles, not a render inside the switch frame; one that is not warm is', async () => {
    const { host, frameAt, play } = screenHost();
    await play('canopy', T);
    const syncs: boolean[] = [];
    host.subscribe((sync) => syncs.push(sync));
    await play('echo', T + 1000); // warmed on the screen before its start
    expect(host.snapshot().run?.installationId).toBe('echo');
    expect(syncs, 'the compositor draws it from the snapshot: nothing for React to build in that frame').not.toContain(true);

    // Not warm by its start (a warm-up that never reported): switched WARM_WAIT_MS late, and mounted in that frame.
    host.setProgram(programOf(playing('facade', T + 2000)));
    await settle();
    frameAt(T + 1500);
    syncs.length = 0;
    frameAt(T + 2000 + 3000);
    expect(host.snapshot().run?.installationId).toBe('facade');
    expect(syncs).toContain(true);
  });
});
