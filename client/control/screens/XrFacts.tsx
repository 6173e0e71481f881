import { send } from '../link';
import type { ScreenStatus, XrLevel } from '../../../protocol';

/**
 * A VR station's session on its card (docs/vr.md): presenting (the viewer is in the headset) or
 * idle, from the station's health, as GET /api/show reports it (`xr`). Nothing on a flat screen.
 */
export function XrFacts({ screen: s }: { screen: ScreenStatus }) {
  if (s.kind !== 'vr') return null;
  const on = s.connected && !!s.xr?.presenting;
  return (
    <>
      <dt>Headset</dt>
      <dd
        className={on ? 'ok' : 'muted'}
        data-testid={`screen-xr-${s.id}`}
        data-presenting={on}
        title={on ? `the viewer is in an ${s.xr?.mode ?? 'immersive'} session` : 'idle: the station shows Enter VR (the viewer has not entered, or took the headset off)'}
      >
        {on ? 'presenting' : 'idle'}
      </dd>
      {on && s.xr?.quality && <XrLevelFact id={s.id} q={s.xr.quality} />}
    </>
  );
}

/** The station's adaptive quality in the session (docs/vr.md, "Keeping the headset's rate"): its level, and what it lowered. */
function XrLevelFact({ id, q }: { id: string; q: XrLevel }) {
  const lowered = q.level > 0;
  return (
    <>
      <dt>VR quality</dt>
      <dd
        className={lowered ? 'warn' : 'ok'}
        data-testid={`screen-xr-level-${id}`}
        data-level={q.level}
        title={`level ${q.level} of ${q.levels - 1} (0 the best): the headset's framebuffer at ${Math.round(q.scale * 100)} %, the piece at ${q.piece} quality; the station lowers it while its frames fall behind the headset's rate, and raises it again when they keep up`}
      >
        {lowered ? `lowered ${q.level}/${q.levels - 1}: ${Math.round(q.scale * 100)} %, ${q.piece}` : `full: ${Math.round(q.scale * 100)} %, ${q.piece}`}
      </dd>
    </>
  );
}

/** A VR station's actions on its card: recentre the viewer where they stand, or end the session (the next viewer starts afresh). */
export function XrActions({ screen: s }: { screen: ScreenStatus }) {
  if (s.kind !== 'vr') return null;
  const on = s.connected && !!s.xr?.presenting;
  return (
    <div className="row actions">
      <button
        type="button"
        disabled={!on}
        title="the viewer's spot and heading become the centre and the front of the piece's world"
        onClick={() => void send({ type: 'screen.xr', screenId: s.id, action: 'recenter' }, `Recenter ${s.id}`)}
        data-testid={`xr-recenter-${s.id}`}
      >
        Recenter
      </button>
      <button
        type="button"
        disabled={!on}
        title="ends the viewer's session: the station shows Enter VR for the next viewer"
        onClick={() => void send({ type: 'screen.xr', screenId: s.id, action: 'reset' }, `Reset ${s.id}`)}
        data-testid={`xr-reset-${s.id}`}
      >
        Reset
      </button>
    </div>
  );
}
