import { afterEach, describe, expect, it } from 'vitest';
import { createCueSequencer, cueMemoryOnly, type CueMemory } from '../../server/show/cue-sequencer';
import { createShowStore, type ShowStore } from '../../server/show/store';
import { createMemoryStorage } from '../../server/persistence/journal';
import { demoShow } from '../../server/show/demo';
import type { CueInput, Manifest, Show } from '../../protocol';

// The cue sequencer on a fake show clock: the clock only moves when a test moves it, then tick()
// runs what is due. No real time is asserted anywhere.
const pieces: Record<string, Pick<Manifest, 'id' | 'params'>> = {
  canopy: { id: 'canopy', params: { speed: { type: 'number', min: 0, max: 2, default: 1 } } },
  prism: { id: 'prism', params: {} },
};
const T0 = 1_750_000_000_000;
const silent = { info: () => {}, warn: () => {} };
const closers: Array<() => void> = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

function must(store: ShowStore, command: unknown): void {
  const res = store.dispatch(command, 'socket');
  if (!res.ok) throw new Error(res.error.message);
}

/** A show with cues a, b, c, d (each sets the volume so that its firing is visible), plus `over` on each. */
function setup(over: Record<string, Partial<CueInput>> = {}, opts: { initial?: Show; memory?: CueMemory; now?: number } = {}) {
  const clock = { now: opts.now ?? T0 };
  const inner = createShowStore({ initial: opts.initial ?? demoShow(0, () => 'canopy'), storage: createMemoryStorage(), time: () => clock.now, piece: (id) => pieces[id] });
  const notices: string[] = [];
  const memory = opts.memory ?? cueMemoryOnly();
  const seq = createCueSequencer({ time: () => clock.now, memory, logger: silent, notify: (m) => notices.push(m) });
  const store = seq.wrap(inner);
  closers.push(() => seq.close());
  const fired: string[] = [];
  inner.subscribe((show, _e, command) => {
    if (command?.type === 'cue.go') fired.push(show.cues[show.cuePosition]!.id);
  });
  if (!opts.initial)
    ['a', 'b', 'c', 'd'].forEach((id, i) =>
      must(store, { type: 'cue.save', cueId: id, name: id.toUpperCase(), commands: [{ type: 'show.volume', volume: (i + 1) / 10 }], ...over[id] }),
    );
  const at = (ms: number) => {
    clock.now = (opts.now ?? T0) + ms;
    seq.tick();
  };
  const standby = () => store.get().cues[store.get().cueStandby]?.id ?? '(end)';
  return { clock, store, seq, fired, notices, memory, at, standby };
}

describe('the cue sequencer', () => {
  it('passes a GO on a cue without waits or continue straight to the reducer', () => {
    const t = setup();
    must(t.store, { type: 'cue.go' });
    expect(t.fired).toEqual(['a']);
    expect(t.standby()).toBe('b');
    expect(t.seq.waits()).toEqual([]);
  });

  it('fires a cue when its pre-wait ends on the show clock, and moves the standby at GO', () => {
    const t = setup({ a: { preWaitMs: 5000 } });
    must(t.store, { type: 'cue.go' });
    expect(t.fired).toEqual([]);
    expect(t.standby()).toBe('b'); // QLab's playhead moves at GO
    expect(t.seq.waits()).toEqual([{ id: expect.any(Number), cueId: 'a', phase: 'pre-wait', afterCueId: null, startedAt: T0, dueAt: T0 + 5000 }]);
    t.at(4999);
    expect(t.fired).toEqual([]);
    // The operator moves the standby during the wait: the fire keeps it there.
    must(t.store, { type: 'cue.standby', cueId: 'd' });
    t.at(5000);
    expect(t.fired).toEqual(['a']);
    expect(t.store.get().volume).toBe(0.1);
    expect(t.standby()).toBe('d');
    expect(t.seq.waits()).toEqual([]);
  });

  it('auto-continue: GOes the next cue after the post-wait, its own pre-wait then runs; the standby skips the chain', () => {
    const t = setup({ a: { continue: 'auto-continue', postWaitMs: 2000 }, b: { preWaitMs: 1000 } });
    must(t.store, { type: 'cue.go' });
    expect(t.fired).toEqual(['a']);
    expect(t.standby()).toBe('c'); // past a and the cue it continues into
    expect(t.seq.waits()).toMatchObject([{ cueId: 'b', phase: 'post-wait', afterCueId: 'a', dueAt: T0 + 2000 }]);
    t.at(1999);
    expect(t.fired).toEqual(['a']);
    t.at(2000);
    expect(t.seq.waits()).toMatchObject([{ cueId: 'b', phase: 'pre-wait', dueAt: T0 + 3000 }]);
    t.at(3000);
    expect(t.fired).toEqual(['a', 'b']);
    expect(t.standby()).toBe('c');
    expect(t.seq.waits()).toEqual([]);
  });

  it('chains several auto-continues without a post-wait at once, in order', () => {
    const t = setup({ a: { continue: 'auto-continue' }, b: { continue: 'auto-continue' } });
    must(t.store, { type: 'cue.go', cueId: 'a' });
    t.at(0);
    expect(t.fired).toEqual(['a', 'b', 'c']);
    expect(t.standby()).toBe('d');
  });

  it("auto-follow: GOes the next cue when the cue's action ends (its piece switched and its transition done)", () => {
    const t = setup({
      a: { continue: 'auto-follow', commands: [{ type: 'wall.play', wallId: 'main', installationId: 'prism', transition: { type: 'crossfade', ms: 4000 } }] },
      c: { continue: 'auto-follow', postWaitMs: 1500 },
    });
    must(t.store, { type: 'cue.go' });
    // The store's default play lead is 600 ms: the piece starts at +600, the crossfade ends at +4600.
    expect(t.store.get().walls.main!.startedAt).toBe(T0 + 600);
    expect(t.seq.waits()).toMatchObject([{ cueId: 'b', phase: 'follow', dueAt: T0 + 4600 }]);
    t.at(4599);
    expect(t.fired).toEqual(['a']);
    t.at(4600);
    expect(t.fired).toEqual(['a', 'b']);
    // A cue with nothing to wait for follows after its post-wait.
    must(t.store, { type: 'cue.go', cueId: 'c' });
    expect(t.seq.waits()).toMatchObject([{ cueId: 'd', phase: 'follow', dueAt: T0 + 4600 + 1500 }]);
    t.at(6100);
    expect(t.fired).toEqual(['a', 'b', 'c', 'd']);
  });

  it('cue.stop stops every running wait, and nothing of them runs later', () => {
    const t = setup({ a: { preWaitMs: 5000 }, c: { continue: 'auto-continue', postWaitMs: 1000 } });
    must(t.store, { type: 'cue.go', cueId: 'a' });
    must(t.store, { type: 'cue.go', cueId: 'c' });
    expect(t.seq.waits().map((w) => w.cueId)).toEqual(['d', 'a']);
    must(t.store, { type: 'cue.stop' });
    expect(t.seq.waits()).toEqual([]);
    expect(t.memory.load()?.steps).toEqual([]);
    t.at(60_000);
    expect(t.fired).toEqual(['c']);
  });

  it('resumes a wait after a restart at its show time, and says so', () => {
    const memory = cueMemoryOnly();
    const before = setup({ a: { preWaitMs: 10_000 } }, { memory });
    must(before.store, { type: 'cue.go' });
    before.seq.close(); // the server stops 3 s into the wait
    const after = setup({}, { initial: before.store.get(), memory, now: T0 + 3000 });
    after.seq.start();
    expect(after.notices.join('\n')).toMatch(/resumed after a restart: cue 'a' \(pre-wait, due .*\) in 7 s/);
    expect(after.seq.waits()).toMatchObject([{ cueId: 'a', dueAt: T0 + 10_000 }]);
    after.at(6999); // T0 + 9999
    expect(after.fired).toEqual([]);
    after.at(7000);
    expect(after.fired).toEqual(['a']);
  });

  it('stops a wait that ended while the server was down: nothing of it runs, and the notice says why', () => {
    const memory = cueMemoryOnly();
    const before = setup({ a: { preWaitMs: 10_000, continue: 'auto-continue' } }, { memory });
    must(before.store, { type: 'cue.go' });
    before.seq.close();
    const after = setup({}, { initial: before.store.get(), memory, now: T0 + 60_000 });
    after.seq.start();
    expect(after.notices.join('\n')).toMatch(/restarted during a cue sequence: cue 'a' \(pre-wait, due .*\) ended while it was down, so it was stopped and nothing of it ran/);
    expect(after.seq.waits()).toEqual([]);
    expect(memory.load()?.steps).toEqual([]);
    after.at(120_000);
    expect(after.fired).toEqual([]);
  });

  it('says so when a cue cannot fire after its wait, and stops the sequence there', () => {
    const t = setup({ a: { preWaitMs: 1000, continue: 'auto-continue' } });
    must(t.store, { type: 'cue.go' });
    must(t.store, { type: 'wall.delete', wallId: 'main' });
    must(t.store, { type: 'cue.save', cueId: 'a', name: 'A', preWaitMs: 1000, continue: 'auto-continue', commands: [{ type: 'wall.stop', wallId: 'main' }] });
    t.at(1000);
    expect(t.fired).toEqual([]);
    expect(t.notices.join('\n')).toMatch(/cue 'a' \(A\) could not fire after its wait: .*no wall 'main'.*the sequence stopped there/);
    expect(t.seq.waits()).toEqual([]);
  });
});
