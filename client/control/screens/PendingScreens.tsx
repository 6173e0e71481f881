import { useState } from 'react';
import type { PendingScreen, Rect, ShowView } from '../../../protocol';
import { ID_PATTERN } from '../../../protocol/ids';
import { send } from '../link';
import { ago, useNow } from '../format';
import { Section } from '../ui';
import { placeNext } from './place';
import './pending.css';

/**
 * Pages waiting to be paired: each opened /display without a key and shows a code. The technician
 * approves one whose code is on the screen in front of them, as a new screen of a wall or as the
 * replacement of a screen whose hardware died (docs/operations.md).
 */
export function PendingScreens({ show }: { show: ShowView }) {
  if (!show.pending.length) return null;
  return (
    <Section title={`Waiting to pair (${show.pending.length})`} testId="pending">
      <p className="muted">
        These pages opened <code>/display</code> without a key. Approve a code only when you read it on the screen itself: anyone on the
        network can open a page.
      </p>
      <div className="cards">
        {show.pending.map((p) => (
          <PendingCard key={p.code} pending={p} show={show} />
        ))}
      </div>
    </Section>
  );
}

function PendingCard({ pending: p, show }: { pending: PendingScreen; show: ShowView }) {
  const now = useNow();
  const taken = show.screens.some((s) => s.id === p.requestedId);
  const [mode, setMode] = useState<'new' | 'replace'>(taken ? 'replace' : 'new');
  const [newId, setNewId] = useState(taken ? '' : p.requestedId);
  const [wallId, setWallId] = useState(show.walls.find((w) => p.requestedId.startsWith(`${w.id}-`))?.id ?? show.walls[0]?.id ?? '');
  const wall = show.walls.find((w) => w.id === wallId) ?? null;
  const [rect, setRect] = useState<Rect | null>(null);
  const place = rect ?? (wall ? placeNext(show, wall) : { x: 0, y: 0, w: 1920, h: 1080 });
  const offline = show.screens.filter((s) => !s.connected).map((s) => s.id);
  const [replaceId, setReplaceId] = useState(taken ? p.requestedId : (offline[0] ?? show.screens[0]?.id ?? ''));
  const idOk = ID_PATTERN.test(newId) && !show.screens.some((s) => s.id === newId);
  const t = (part: string) => `pair-${part}-${p.code}`;

  const approve = () =>
    mode === 'new'
      ? send({ type: 'screen.pair', code: p.code, screenId: newId, wallId: wall?.id ?? null, rect: place }, `Pair ${newId}`)
      : send({ type: 'screen.pair', code: p.code, screenId: replaceId, replace: true }, `Replace ${replaceId}`);

  return (
    <article className="card pending" data-testid={`pending-${p.code}`}>
      <header className="card-head">
        <span className={`dot ${p.online ? 'ok' : 'bad'}`} aria-hidden="true" />
        <strong className="pending-code mono">{p.code.slice(0, 3)} {p.code.slice(3)}</strong>
        <span className="muted small">{p.online ? `waiting ${ago(now - p.since)}` : 'page closed'}</span>
      </header>
      <dl className="facts">
        <dt>Asked for</dt>
        <dd className="mono">{p.requestedId}</dd>
        <dt>From</dt>
        <dd className="mono" title={p.userAgent}>{p.address}</dd>
      </dl>
      <div className="pending-mode" role="radiogroup" aria-label={`How to pair ${p.code}`}>
        <label>
          <input type="radio" name={t('mode')} checked={mode === 'new'} onChange={() => setMode('new')} data-testid={t('new')} /> New screen
        </label>
        <label>
          <input type="radio" name={t('mode')} checked={mode === 'replace'} disabled={!show.screens.length} onChange={() => setMode('replace')} data-testid={t('replace')} />{' '}
          Replace a screen
        </label>
      </div>
      {mode === 'new' ? (
        <div className="pending-form">
          <label>
            Screen id
            <input value={newId} onChange={(e) => setNewId(e.target.value.trim())} placeholder="e.g. lobby-1" aria-invalid={!idOk} data-testid={t('id')} />
          </label>
          <label>
            Wall
            <select
              value={wallId}
              onChange={(e) => {
                setWallId(e.target.value);
                setRect(null);
              }}
              data-testid={t('wall')}
            >
              <option value="">(no wall yet)</option>
              {show.walls.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="pending-rect">
            <legend>Place in the wall (px)</legend>
            {(['x', 'y', 'w', 'h'] as const).map((k) => (
              <label key={k}>
                {k}
                <input
                  type="number"
                  value={place[k]}
                  min={k === 'w' || k === 'h' ? 1 : undefined}
                  onChange={(e) => setRect({ ...place, [k]: Number(e.target.value) })}
                  data-testid={t(`rect-${k}`)}
                />
              </label>
            ))}
          </fieldset>
          {!idOk && newId !== '' && <p className="warn small">{show.screens.some((s) => s.id === newId) ? `'${newId}' is in the show: choose “Replace a screen” to take its place.` : 'Use lower-case letters, digits and dashes.'}</p>}
        </div>
      ) : (
        <label className="pending-form">
          Screen to replace (it takes this one's id and place; the old computer's key stops working)
          <select value={replaceId} onChange={(e) => setReplaceId(e.target.value)} data-testid={t('target')}>
            {show.screens.map((s) => (
              <option key={s.id} value={s.id}>
                {s.id} {s.connected ? '(online)' : '(offline)'}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="row actions">
        <button
          type="button"
          className="primary"
          disabled={!p.online || (mode === 'new' ? !idOk || place.w <= 0 || place.h <= 0 : !replaceId)}
          onClick={() => void approve()}
          data-testid={`approve-${p.code}`}
        >
          Approve
        </button>
      </div>
    </article>
  );
}
