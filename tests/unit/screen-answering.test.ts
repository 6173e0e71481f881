import { describe, expect, it } from 'vitest';
import { DisplayHealthSchema } from '../../protocol';
import { ScreenRegistry } from '../../server/screens/registry';

const health = DisplayHealthSchema.parse({
  installationId: 'canopy', fps: 60, frameMsP95: 17, framesRendered: 100, memory: { geometries: 1, textures: 1, programs: 1 },
  clock: { offsetMs: 0, rttMs: 1, uncertaintyMs: 0.5 },
});

describe("the screens a wall's gate waits for (ScreenRegistry.isAnswering)", () => {
  it('a connected screen answers until its heartbeats stop for staleMs, and again once they resume; a gone one never', () => {
    let now = 0;
    const registry = new ScreenRegistry(() => now, undefined, 10_000);
    expect(registry.isAnswering('main-1')).toBe(false);
    registry.connected('main-1');
    expect(registry.isAnswering('main-1')).toBe(true); // no heartbeat yet: just connected
    registry.health('main-1', health);
    now = 9_999;
    expect(registry.isAnswering('main-1')).toBe(true);
    now = 10_000;
    expect(registry.isAnswering('main-1')).toBe(false); // its page hangs, or its machine sleeps
    expect(registry.isConnected('main-1')).toBe(true); // the socket still looks connected
    registry.health('main-1', health);
    expect(registry.isAnswering('main-1')).toBe(true);
    registry.disconnected('main-1');
    expect(registry.isAnswering('main-1')).toBe(false);
  });
});
