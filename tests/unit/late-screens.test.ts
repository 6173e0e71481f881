import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../protocol';
import { createMemoryStorage } from '../../server/persistence/journal';
import { createShowStore } from '../../server/show/store';
import { demoShow } from '../../server/show/demo';
import { PreloadTimes } from '../../server/screens/preload-times';

const canopy: Pick<Manifest, 'id' | 'params'> = { id: 'canopy', params: {} };
const NOW = 1_000_000;

/** A store whose screens main-1..3 reported warm-up times for canopy: 100 ms, 900 ms, 2 s. */
function setup() {
  const times = new PreloadTimes({ minMs: 600, maxMs: 15_000, unknownMs: 800 });
  times.record('main-1', 'canopy', '1.0.0', 100, false);
  times.record('main-2', 'canopy', '1.0.0', 900, true);
  times.record('main-3', 'canopy', '1.0.0', 2000, true);
  const store = createShowStore({
    initial: demoShow(0, () => null),
    storage: createMemoryStorage(),
    time: () => NOW,
    piece: (id) => (id === 'canopy' ? canopy : undefined),
    playLeadMs: () => times.leadMs(['main-1', 'main-2', 'main-3'], 'canopy', '1.0.0'),
    lateScreens: (_wallId, id, availableMs) => times.lateScreens(['main-1', 'main-2', 'main-3'], id, '1.0.0', availableMs),
  });
  return { store, times };
}

describe('an explicit `at` too soon for some screens: accepted, and the ack says who will be late', () => {
  it('names the late screens, slowest first, by about how much, from their reported warm-up times', () => {
    const { store } = setup();
    const res = store.dispatch({ type: 'wall.play', wallId: 'main', installationId: 'canopy', at: NOW + 500 }, 'rest');
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(store.get().walls.main!.startedAt).toBe(NOW + 500); // accepted as asked
    // Estimate + 50 ms for the view's trip, past the 500 ms it has: 2050 − 500, 950 − 500.
    expect(res.late).toEqual([
      { screenId: 'main-3', byMs: 1550 },
      { screenId: 'main-2', byMs: 450 },
    ]);
    expect(res.warning).toContain('main-3 by about 1.6 s, main-2 by about 450 ms');
    expect(res.warning).toContain('at least 1.6 s later');
  });

  it('says nothing when every screen has time, or when the server picks the lead itself', () => {
    const { store } = setup();
    const later = store.dispatch({ type: 'wall.play', wallId: 'main', installationId: 'canopy', at: NOW + 3000 });
    expect(later.ok && 'late' in later).toBe(false);
    const lead = store.dispatch({ type: 'wall.play', wallId: 'main', installationId: 'canopy' });
    expect(lead.ok && 'warning' in lead).toBe(false);
  });

  it('a screen that never reported counts with the assumed time; an unknown wall is still refused', () => {
    const times = new PreloadTimes({ minMs: 600, maxMs: 15_000, unknownMs: 800 });
    expect(times.lateScreens(['new'], 'canopy', null, 300)).toEqual([{ screenId: 'new', byMs: 550 }]);
    expect(times.lateScreens(['new'], 'canopy', null, 900)).toEqual([]);
    const { store } = setup();
    const res = store.dispatch({ type: 'wall.play', wallId: 'nowhere', installationId: 'canopy', at: NOW + 10 });
    expect(!res.ok && res.error.code).toBe('unknown_wall');
  });
});
