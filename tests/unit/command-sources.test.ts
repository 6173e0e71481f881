import { describe, expect, it } from 'vitest';
import type { Manifest, Show } from '../../protocol';
import { createMemoryStorage, type ShowStorage } from '../../server/persistence/journal';
import { createShowStore, type DispatchEvent } from '../../server/show/store';
import { demoShow } from '../../server/show/demo';
import { withPairing } from '../../server/screens/pairing-commands';
import { PendingScreens } from '../../server/screens/pairing';

const canopy: Pick<Manifest, 'id' | 'params'> = { id: 'canopy', params: { speed: { type: 'number', min: 0, max: 2, default: 1 } } };
const piece = (id: string) => (id === 'canopy' ? canopy : undefined);

function setup(storage: ShowStorage = createMemoryStorage()) {
  const store = createShowStore({ initial: demoShow(0, () => 'canopy'), storage, time: () => 1_000, piece });
  const events: DispatchEvent[] = [];
  store.onDispatch((e) => events.push(e));
  return { store, events };
}

describe('dispatch sources and the dispatch hook', () => {
  it('tells every dispatch: type, source, result and the durable write', () => {
    const { store, events } = setup();
    expect(store.dispatch({ type: 'show.blackout', on: true }, 'osc').ok).toBe(true);
    expect(store.dispatch({ type: 'wall.play', wallId: 'nope', installationId: 'canopy' }, 'rest').ok).toBe(false);
    expect(store.dispatch({ type: 'wall.explode' }, 'socket').ok).toBe(false);
    store.dispatch({ type: 'screen.identify', screenId: 'main-1' }); // changes nothing: no write
    expect(events.map((e) => [e.type, e.source, e.result])).toEqual([
      ['show.blackout', 'osc', 'ok'],
      ['wall.play', 'rest', 'unknown_wall'],
      ['(invalid)', 'socket', 'bad_request'],
      ['screen.identify', 'internal', 'ok'],
    ]);
    expect(events[0]?.durableS).toBeGreaterThanOrEqual(0);
    expect(events[0]?.version).toBe(store.get().version);
    expect(events[1]?.durableS).toBeNull();
    expect(events[1]?.error?.message).toContain("no wall 'nope'");
    expect(events[3]?.durableS).toBeNull();
  });

  it('reports a failed write as internal, and a GO\'s own commands with source cue', () => {
    let broken = false;
    const mem = createMemoryStorage();
    const storage: ShowStorage = { ...mem, save: (s: Show) => { if (broken) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' }); mem.save(s); } };
    const { store, events } = setup(storage);
    store.dispatch({ type: 'cue.save', cueId: 'q', name: 'Q', commands: [{ type: 'wall.play', wallId: 'main', installationId: 'canopy' }, { type: 'show.volume', volume: 0.5 }] }, 'rest');
    events.length = 0;
    expect(store.dispatch({ type: 'cue.go' }, 'osc').ok).toBe(true);
    expect(events.map((e) => [e.type, e.source, e.result])).toEqual([
      ['cue.go', 'osc', 'ok'],
      ['wall.play', 'cue', 'ok'],
      ['show.volume', 'cue', 'ok'],
    ]);
    broken = true;
    events.length = 0;
    expect(store.dispatch({ type: 'show.blackout', on: true }, 'schedule').ok).toBe(false);
    expect(events.map((e) => [e.type, e.source, e.result])).toEqual([['show.blackout', 'schedule', 'internal']]);
  });

  it('keeps the source through the pairing edge, and tells its own refusals', () => {
    const { store, events } = setup();
    const paired = withPairing(store, { pending: new PendingScreens(() => 0) });
    paired.dispatch({ type: 'show.volume', volume: 0.2 }, 'osc');
    paired.dispatch({ type: 'screen.pair', code: 'K7M4QX', screenId: 'x' }, 'socket');
    expect(events.map((e) => [e.type, e.source, e.result])).toEqual([
      ['show.volume', 'osc', 'ok'],
      ['screen.pair', 'socket', 'not_found'],
    ]);
  });

  it('a throwing dispatch listener does not change the answer', () => {
    const errors: unknown[] = [];
    const store = createShowStore({ initial: demoShow(0, () => 'canopy'), storage: createMemoryStorage(), time: () => 1_000, piece, onError: (e) => errors.push(e) });
    store.onDispatch(() => { throw new Error('boom'); });
    expect(store.dispatch({ type: 'show.blackout', on: true }, 'rest').ok).toBe(true);
    expect(errors).toHaveLength(1);
  });
});
