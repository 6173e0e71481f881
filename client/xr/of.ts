import type { StageScreen } from '../stage/screen';
import { XrSession } from './session';

/** The screen's VR session, made the first time its view says it is a VR station; kept for the stage's life. */
export function xrOf(screen: StageScreen): XrSession {
  if (screen.xr) return screen.xr;
  const xr = new XrSession();
  screen.xr = xr;
  // The technician's recenter and reset (screen.xr, relayed by the page; docs/vr.md).
  screen.bridge.on('xr', ({ action }) => (action === 'reset' ? void xr.exit().catch(() => {}) : xr.recenter()));
  return xr;
}
