import { beforeEach, describe, expect, it } from 'vitest';
import { acknowledged, blackoutOf, useAcked, withAcked } from '../../client/control/acked';
import type { ShowView } from '../../protocol';

const view = (version: number, blackout: boolean) => ({ version, blackout }) as ShowView;

describe('control panel: the acknowledged blackout over a lagging mirror', () => {
  beforeEach(() => useAcked.setState({ blackout: null }));

  it('an ack newer than the mirror wins until the mirror reaches its version', () => {
    expect(blackoutOf(view(5, true), null)).toBe(true);
    acknowledged({ type: 'show.blackout', on: false }, 6); // an Undo, acknowledged as version 6
    const acked = useAcked.getState().blackout;
    expect(blackoutOf(view(5, true), acked)).toBe(false); // the mirror still says version 5
    expect(blackoutOf(view(6, false), acked)).toBe(false);
    expect(blackoutOf(view(7, true), acked)).toBe(true); // someone else (OSC, another panel) changed it since
  });

  it('Undo and the next click act on the acknowledged state, not the stale mirror', () => {
    acknowledged({ type: 'show.blackout', on: false }, 6);
    const before = withAcked(view(5, true));
    expect(before?.blackout).toBe(false); // so the next click sends on: true, and its Undo on: false
    expect(withAcked(view(6, false))?.blackout).toBe(false);
    expect(withAcked(null)).toBeNull();
  });

  it('other commands leave it alone', () => {
    acknowledged({ type: 'show.volume' }, 9);
    acknowledged({ type: 'screen.blackout', on: true }, 10);
    expect(useAcked.getState().blackout).toBeNull();
  });
});
