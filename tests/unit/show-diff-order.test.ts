import { describe, expect, it } from 'vitest';
import { demoShow } from '../../server/show/demo';
import { diffShows } from '../../server/show/show-diff';
import type { Show } from '../../protocol';

describe('show diff', () => {
  it('a show read back with its keys in another order is the same show', () => {
    const show = demoShow(0, () => null);
    const reversed = (o: object): object => Object.fromEntries(Object.entries(o).reverse().map(([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? reversed(v as object) : v]));
    expect(diffShows(show, reversed(show) as Show).same).toBe(true);
    const renamed = { ...show, screens: { ...show.screens, 'main-1': { ...show.screens['main-1']!, blackout: !show.screens['main-1']!.blackout } } };
    expect(diffShows(show, reversed(renamed) as Show).screens.changed).toEqual(['main-1']);
  });
});
