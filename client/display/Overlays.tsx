import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import QRCode from 'qrcode';
import type { Screen } from './session';
import { PairingCode } from './Pairing';

/** Everything drawn over the stage: messages, identify, blackout, QR. (The preload bar and the sound button are the stage's own.) */
export function Overlays({ screen }: { screen: Screen }) {
  const { clock } = screen;
  const s = useStore(screen.store);
  const [now, setNow] = useState(() => clock.now());
  // When the socket went away (local wall-clock ms), or null while connected. Shown only inside the
  // identify overlay: the public picture never mentions the server (issue 12), it plays on meanwhile.
  const [offlineSince, setOfflineSince] = useState<number | null>(null);
  useEffect(() => {
    if (s.identifyUntil <= clock.now()) return;
    const t = setInterval(() => setNow(clock.now()), 250);
    return () => clearInterval(t);
  }, [s.identifyUntil, clock]);
  useEffect(() => setOfflineSince(s.connected ? null : (since) => since ?? Date.now()), [s.connected]);

  const view = s.view;
  const identifying = s.identifyUntil > now;
  return (
    <>
      {view?.screen.blackout && <div className="blackout" data-testid="blackout" />}
      {!view && s.pairing && !s.problem && <PairingCode pairing={s.pairing} requestedId={screen.screenId} />}
      {s.problem && (
        <div className="message" role="alert">
          <h1>Pavilion screen</h1>
          <p>{s.problem}</p>
        </div>
      )}
      {view && !view.screen.known && !s.problem && (
        <div className="message" role="alert" data-testid="unknown-screen">
          <h1>Screen “{view.screen.id}” is not part of the show</h1>
          <p>
            It is connected and waiting. Adopt it into a wall from the control panel (<code>/control</code>, Screens → Unassigned),
            or open one of the show's screen URLs instead.
          </p>
        </div>
      )}
      {/* Notes stay off a test pattern: it is tuned to the pixel, and must be seen whole (docs/projection.md). */}
      {view && view.screen.known && !view.wall && !view.screen.pattern && (
        <div className="message subtle" data-testid="no-wall-note">
          <p>Screen “{view.screen.id}” belongs to no wall. Put it in a wall from the control panel.</p>
        </div>
      )}
      {view?.wall && !view.wall.installationId && !view.screen.pattern && <div className="corner-note">{view.wall.name}: nothing playing</div>}
      {identifying && view && (
        <div className="identify" data-testid="identify">
          <div className="identify-id">{view.screen.id}</div>
          <div className="identify-wall">{view.screen.wallId ? `wall ${view.screen.wallId}` : 'unassigned'}</div>
          {offlineSince !== null && (
            <div className="identify-offline" data-testid="identify-offline">
              offline since {new Date(offlineSince).toLocaleTimeString([], { hour12: false })}, retrying
            </div>
          )}
        </div>
      )}
      {view?.wall?.showQr && view.visitUrl && <VisitQr url={view.visitUrl} />}
    </>
  );
}

function VisitQr({ url }: { url: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    QRCode.toDataURL(url, { margin: 1, width: 160, color: { dark: '#000000', light: '#ffffff' } }).then(setSrc, () => setSrc(null));
  }, [url]);
  if (!src) return null;
  return (
    <div className="qr" data-testid="visit-qr">
      <img src={src} alt={`Join at ${url}`} />
      <span>Play with your phone</span>
    </div>
  );
}
