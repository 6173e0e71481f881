import type { ReactNode } from 'react';
import type { ScreenStatus, WallStatus } from '../../../protocol';
import { useControl } from '../store';
import { send } from '../link';
import { ago, clockTime, ms, useNow } from '../format';
import { ConfirmButton } from '../ui';
import { XrActions, XrFacts } from './XrFacts';
import './pending.css';

/** One screen: status, timing, thumbnail, last error and its actions. */
export function ScreenCard({ screen: s, walls, adopt }: { screen: ScreenStatus; walls: WallStatus[]; adopt?: ReactNode }) {
  const thumb = useControl((st) => st.thumbs[s.id]);
  const pieces = useControl((st) => st.pieces);
  const now = useNow();
  const wall = walls.find((w) => w.id === s.wallId);
  const piece = s.installationId ? (pieces.find((p) => p.id === s.installationId)?.title ?? s.installationId) : null;
  const err = s.errors[0];
  // Connected, but its heartbeats stopped: a machine asleep or a page hung still looks connected for a while.
  const stale = s.connected && s.stale;
  const since = stale
    ? `no heartbeat for ${ago(now - (s.heartbeatAt ?? now))}`
    : s.since !== null ? `${s.connected ? 'online' : 'offline'} for ${ago(now - s.since)}` : s.connected ? 'online' : 'never connected';
  return (
    <article className={`card screen ${s.connected ? 'online' : 'offline'}${stale ? ' stale' : ''}`} data-testid={`screen-${s.id}`} data-connected={s.connected} data-stale={stale}>
      <header className="card-head">
        <span className={`dot ${s.connected && !stale ? 'ok' : 'bad'}`} aria-hidden="true" />
        <strong className="mono">{s.id}</strong>
        <span
          className={`${stale ? 'warn' : 'muted'} small`}
          title={stale ? 'its socket still looks connected, but it stopped reporting: the machine may be asleep or the page hung; reload it or check the machine' : s.since !== null ? `since ${clockTime(s.since)}` : undefined}
          data-testid={`screen-status-${s.id}`}
        >
          {since}
        </span>
      </header>
      <div className="thumb">
        {thumb && s.connected ? (
          <img
            src={thumb.dataUrl}
            // A VR station in a session sends what the viewer sees (a mono view from their head, docs/vr.md).
            alt={s.kind === 'vr' && s.xr?.presenting ? `What the viewer in ${s.id} sees` : `Live picture of ${s.id}`}
            data-testid={`thumb-${s.id}`}
          />
        ) : (
          <span className="muted small">{s.connected ? 'waiting for a picture…' : 'offline'}</span>
        )}
        {s.blackout && <span className="badge bad">black</span>}
        {!s.paired && <span className="badge warn" data-testid={`unpaired-${s.id}`}>no key</span>}
        {s.kind === 'vr' && <span className="badge" title="a VR station (docs/vr.md)">VR</span>}
      </div>
      <dl className="facts">
        <dt>Wall</dt>
        <dd>{wall ? wall.name : <span className="muted">unassigned</span>}</dd>
        <dt>Piece</dt>
        <dd data-testid={`screen-piece-${s.id}`}>{piece ?? <span className="muted">—</span>}</dd>
        <XrFacts screen={s} />
        <dt>FPS</dt>
        <dd className={s.fps !== null && s.fps < 30 && s.connected ? 'warn' : ''}>{s.fps ?? '—'}</dd>
        <dt>Frame p95</dt>
        <dd>{ms(s.frameMsP95)}</dd>
        <dt>Clock</dt>
        <dd title="offset of the screen's clock estimate; ± its uncertainty">
          {ms(s.offsetMs, 2)} ±{s.uncertaintyMs !== null ? s.uncertaintyMs.toFixed(2) : '—'}
        </dd>
        <dt>Round trip</dt>
        <dd>{ms(s.rttMs, 2)}</dd>
        <dt>Clock path</dt>
        <dd
          data-testid={`screen-clock-path-${s.id}`}
          className={s.clockPath === 'socketio' && s.connected ? 'warn' : ''}
          title="where the screen's clock pings go: the clock responder (off the server's busy event loop), or socket.io while the responder is unreachable"
        >
          {s.clockPath ?? '—'}
        </dd>
        <dt>Cold load</dt>
        <dd title="how long this screen took to load the last piece it had never loaded; piece switches wait about twice that for the slowest screen of the wall">
          {ms(s.preloadMs, 0)}
        </dd>
        <dt>Warm</dt>
        <dd
          className="small"
          data-testid={`screen-warm-${s.id}`}
          title="pieces this screen holds built and compiled for its wall (played a moment ago, or warmed ahead of the next cue): a switch to one is instant and its GO waits only the least lead"
        >
          {s.warm?.length ? s.warm.map((p) => p.split('@')[0]).join(', ') : <span className="muted">—</span>}
        </dd>
        {s.node && (
          <>
            <dt>Node</dt>
            <dd className="mono small" data-testid={`screen-node-${s.id}`} title="several nodes: the node this screen's page is connected to (the Nodes tab lists them)">
              {s.node}
            </dd>
          </>
        )}
      </dl>
      {err && (
        <details className="error">
          <summary>
            <span className="bad">Last error</span> {clockTime(err.at)} · {err.installationId ?? 'screen'}
            {err.version ? `@${err.version}` : ''} · {err.phase}: {err.message.slice(0, 120)}
          </summary>
          <p>{err.message}</p>
          {err.stack && <pre>{err.stack}</pre>}
          {s.errors.length > 1 && <p className="muted small">{s.errors.length - 1} earlier error(s) on this screen.</p>}
        </details>
      )}
      {adopt}
      <details className="screen-key">
        <summary>{s.paired ? 'Address and key' : 'Not paired'}</summary>
        {s.displayUrl ? (
          <p className="screen-address mono" data-testid={`display-url-${s.id}`}>
            {s.displayUrl}
          </p>
        ) : (
          <p className="muted small">Its page shows a code: approve it above, under Waiting to pair, as this screen's replacement. Or issue a key and open the new address on it.</p>
        )}
        <div className="row wrap">
          <ConfirmButton className="" onConfirm={() => void send({ type: 'screen.rekey', screenId: s.id }, `New key for ${s.id}`)} testId={`rekey-${s.id}`}>
            {s.paired ? 'New key' : 'Issue a key'}
          </ConfirmButton>
          {s.paired && (
            <ConfirmButton onConfirm={() => void send({ type: 'screen.revoke', screenId: s.id }, `Revoke ${s.id}`)} testId={`revoke-${s.id}`}>
              Revoke key
            </ConfirmButton>
          )}
        </div>
        {s.paired && <p className="muted small">A new key or a revoked one sends the page now playing back to its pairing code.</p>}
      </details>
      <XrActions screen={s} />
      <div className="row actions">
        <button type="button" disabled={!s.connected} onClick={() => void send({ type: 'screen.identify', screenId: s.id }, `Identify ${s.id}`)} data-testid={`identify-${s.id}`}>
          Identify
        </button>
        <button type="button" disabled={!s.connected} onClick={() => void send({ type: 'screen.reload', screenId: s.id }, `Reload ${s.id}`)} data-testid={`reload-${s.id}`}>
          Reload
        </button>
        {s.known && (
          <button
            type="button"
            className={s.ownBlackout ? 'warn-on' : ''}
            aria-pressed={s.ownBlackout}
            onClick={() => void send({ type: 'screen.blackout', screenId: s.id, on: !s.ownBlackout }, `Black out ${s.id}`)}
            data-testid={`blackout-${s.id}`}
          >
            {s.ownBlackout ? 'Unblack' : 'Black out'}
          </button>
        )}
        {s.known && !s.connected && (
          <ConfirmButton onConfirm={() => void send({ type: 'screen.forget', screenId: s.id }, `Forget ${s.id}`)}>Forget</ConfirmButton>
        )}
      </div>
    </article>
  );
}
