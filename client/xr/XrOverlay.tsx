import { useSyncExternalStore } from 'react';
import type { StageScreen } from '../stage/screen';
import { xrOf } from './of';
import './xr.css';

/**
 * What a VR station shows over its canvas between sessions: one large "Enter VR" button (the
 * browser starts an immersive session only from a tap, and in this frame: the one that asks for
 * it), or, where immersive VR cannot start, what is missing. Behind it the station plays its piece
 * as a flat screen, so it is never black.
 */
export function XrOverlay({ screen }: { screen: StageScreen }) {
  const xr = xrOf(screen);
  const s = useSyncExternalStore(
    (fn) => xr.station.subscribe(fn),
    () => xr.station.state,
  );
  if (s.presenting) return null;
  const enter = () => {
    void xr.enter(); // first: the session request needs the tap's user activation
    void screen.sound.unlock();
  };
  const checking = s.support === 'unknown';
  return (
    <div className="xr-overlay" data-testid="xr-overlay" data-support={s.support === 'yes' ? 'yes' : checking ? 'unknown' : 'no'}>
      {checking ? (
        <p className="xr-note">Looking for a VR headset…</p>
      ) : s.support === 'yes' ? (
        <button type="button" className="xr-enter" data-testid="enter-vr" disabled={s.entering} onClick={enter}>
          {s.entering ? 'Starting…' : 'Enter VR'}
        </button>
      ) : (
        <div className="xr-missing" role="alert" data-testid="xr-missing">
          <strong>This station cannot start VR here</strong>
          <p>{s.support}</p>
        </div>
      )}
      {s.emulated && <p className="xr-note">Emulated headset (xr=emulate)</p>}
      {s.error && (
        <p className="xr-error" role="alert" data-testid="xr-error">
          {s.error}
        </p>
      )}
    </div>
  );
}
