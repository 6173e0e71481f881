import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { XrActions, XrFacts } from '../../client/control/screens/XrFacts';
import type { ScreenStatus } from '../../protocol';

const station = (over: Partial<ScreenStatus>): ScreenStatus => ({
  id: 'vr-1', wallId: 'vr', known: true, rect: { x: 0, y: 0, w: 1920, h: 1080 }, connected: true, since: 0, installationId: 'canopy',
  fps: 72, frameMsP95: 14, offsetMs: 0.2, rttMs: 1, uncertaintyMs: 0.5, clockPath: 'responder', memory: null, preloadMs: null,
  blackout: false, ownBlackout: false, errors: [], heartbeatAt: 0, stale: false, paired: true, displayUrl: null,
  kind: 'vr', xr: { presenting: false, mode: null }, ...over,
});
const html = (s: ScreenStatus) => renderToStaticMarkup(createElement('dl', null, createElement(XrFacts, { screen: s }), createElement(XrActions, { screen: s })));

describe("a VR station's card in the panel (client/control/screens/XrFacts.tsx)", () => {
  it('says presenting or idle, from the station health, and offers recenter and reset only while presenting', () => {
    const on = html(station({ xr: { presenting: true, mode: 'immersive-vr' } }));
    expect(on).toContain('data-presenting="true"');
    expect(on).toContain('>presenting<');
    expect(on).not.toMatch(/xr-recenter-vr-1"[^>]*disabled|disabled[^>]*xr-recenter-vr-1/);
    const idle = html(station({}));
    expect(idle).toContain('>idle<');
    expect(idle).toMatch(/disabled=""[^>]*data-testid="xr-recenter-vr-1"/);
    // Offline: idle, whatever the last health said.
    expect(html(station({ connected: false, xr: { presenting: true, mode: 'immersive-vr' } }))).toContain('>idle<');
  });
  it("shows the station's adaptive quality while presenting: full, or how far it lowered", () => {
    const full = html(station({ xr: { presenting: true, mode: 'immersive-vr', quality: { level: 0, levels: 6, scale: 1, piece: 'medium' } } }));
    expect(full).toMatch(/data-testid="screen-xr-level-vr-1" data-level="0"[^>]*>full: 100 %, medium</);
    const lowered = html(station({ xr: { presenting: true, mode: 'immersive-vr', quality: { level: 2, levels: 6, scale: 0.5, piece: 'low' } } }));
    expect(lowered).toMatch(/class="warn" data-testid="screen-xr-level-vr-1" data-level="2"[^>]*>lowered 2\/5: 50 %, low</);
    expect(html(station({}))).not.toContain('screen-xr-level');
  });
  it('shows nothing on a flat screen', () => {
    expect(html(station({ kind: undefined, xr: undefined }))).toBe('<dl></dl>');
  });
});
