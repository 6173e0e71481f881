import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import type { Quality, WallStatus } from '../../../protocol';
import { send } from '../link';
import { useControl } from '../store';
import { NumberInput, Toggle } from '../ui';
import { VisitorList } from './VisitorList';
import { QualitySelect } from '../../shared/QualitySelect';
import { TransitionPicker } from '../pieces/TransitionPicker';

/** What each quality level means on the wall's screens, for the technician. */
const QUALITY_HELP: Record<Quality, string> = {
  auto: "Auto: each screen picks from its own GPU and size: low when it renders in software, medium above about 3 megapixels, else high.",
  low: 'Low on every screen: fewer particles and effects. For weak GPUs, or when a screen drops frames.',
  medium: 'Medium on every screen: a balance for mid-range GPUs and very large canvases.',
  high: 'High on every screen: full detail. Use it only where every screen of the wall keeps a steady frame rate.',
};

/** The wall's rendering quality (wall.quality): pieces scale their detail to it. */
export function WallQuality({ wall }: { wall: WallStatus }) {
  return (
    <div className="stack">
      <label className="field narrow">
        <span>Quality</span>
        <QualitySelect value={wall.quality} onChange={(quality) => void send({ type: 'wall.quality', wallId: wall.id, quality }, 'Quality')} data-testid="wall-quality" />
      </label>
      <p className="muted small" data-testid="wall-quality-help">
        {QUALITY_HELP[wall.quality]}
      </p>
      <p className="muted small">Screens follow a change at once, without a reload. Pieces scale their detail to it.</p>
    </div>
  );
}

/** The wall's default transition (wall.transition): how a piece played without one of its own comes in. */
export function WallTransition({ wall }: { wall: WallStatus }) {
  return (
    <div className="stack">
      <TransitionPicker
        value={wall.defaultTransition}
        onChange={(t) => void send({ type: 'wall.transition', wallId: wall.id, transition: t ?? { type: 'cut', ms: 0 } }, 'Default transition')}
        testId="wall-transition"
      />
      <p className="muted small">
        Used by every play on this wall that names no transition of its own: the panel's Play, cues, the schedule, REST and OSC. A fade
        goes through black; a crossfade shows both pieces blended. Every screen of the wall blends on the same frame.
      </p>
    </div>
  );
}

/** Which screens of the wall play its sound (none chosen: the first screen). */
export function WallAudio({ wall }: { wall: WallStatus }) {
  if (!wall.screens.length) return <p className="empty">Put screens in the wall first.</p>;
  const chosen = new Set(wall.audioScreens);
  const toggle = (id: string, on: boolean) => {
    const next = wall.screens.filter((s) => (s === id ? on : chosen.has(s)));
    void send({ type: 'wall.audio', wallId: wall.id, screenIds: next }, 'Audio screens');
  };
  return (
    <div className="stack">
      <p className="muted small">
        {chosen.size ? `${chosen.size} screen(s) play the sound.` : `None chosen: the first screen (${wall.screens[0]}) plays the sound.`}
      </p>
      {wall.screens.map((id) => (
        <Toggle key={id} checked={chosen.has(id)} onChange={(on) => toggle(id, on)} label={id} testId={`audio-${id}`} />
      ))}
    </div>
  );
}

/** Visitor admission and input for the wall, its phone URL and QR code, live counts, and who is there. */
export function WallVisitors({ wall }: { wall: WallStatus }) {
  const [qr, setQr] = useState<string | null>(null);
  const piece = useControl((s) => s.pieces.find((p) => p.id === wall.installationId));
  const tiltOverHttp = !!piece?.inputs.some((i) => i.type === 'tilt') && wall.visitUrl.startsWith('http:');
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(wall.visitUrl, { margin: 1, width: 200, color: { dark: '#000000', light: '#ffffff' } }).then(
      (url) => live && setQr(url),
      () => live && setQr(null),
    );
    return () => {
      live = false;
    };
  }, [wall.visitUrl]);
  return (
    <div className="visitors">
      <div className="stack">
        <div className="row">
          <span className="stat">
            <b data-testid="wall-visitors">{wall.visitors}</b> visitors
          </span>
          <span className="stat">
            <b>{wall.inputsPerSecond.toFixed(1)}</b> inputs/s
          </span>
        </div>
        <label className="field narrow">
          <span>Visitor cap</span>
          <NumberInput label="Visitor cap" value={wall.visitorCap} min={0} max={10000} step={1} onCommit={(n) => void send({ type: 'wall.visitors', wallId: wall.id, cap: Math.round(n) }, 'Visitor cap')} />
        </label>
        <Toggle checked={wall.visitorInput} onChange={(on) => void send({ type: 'wall.visitors', wallId: wall.id, input: on }, 'Visitor input')} label="Visitors can play" />
        <Toggle checked={wall.showQr} onChange={(on) => void send({ type: 'wall.visitors', wallId: wall.id, showQr: on }, 'QR on the wall')} label="Show the QR code on the wall" />
        <a className="mono small" href={wall.visitUrl} target="_blank" rel="noreferrer">
          {wall.visitUrl}
        </a>
        {tiltOverHttp && (
          <p className="muted small" data-testid="tilt-needs-https">
            This piece reads the phones' tilt, which phones allow only over HTTPS. Over plain HTTP its tilt control works as a drag
            pad. To serve HTTPS, start the server with PAVILION_TLS_CERT and PAVILION_TLS_KEY (docs/operations.md).
          </p>
        )}
      </div>
      {qr && <img className="qr-img" src={qr} alt={`QR code for ${wall.visitUrl}`} />}
      <VisitorList wall={wall} />
    </div>
  );
}
