import { useEffect, useMemo, useState } from 'react';
import type { CueWait, ShowView } from '../../../protocol';
import { send, showNow } from '../link';
import { GO_KEYS, useCueKeys, useGoKey, type GoKey } from '../keys';
import { cueLabel } from './labels';

const go = () => void send({ type: 'cue.go' }, 'GO');
const back = () => void send({ type: 'cue.back' }, 'Standby up');
const next = () => void send({ type: 'cue.next' }, 'Standby down');
const stop = () => void send({ type: 'cue.stop' }, 'Stop waits');

/**
 * GO, the standby (QLab's playhead) and the last cue fired, the running waits with the time left,
 * and the keys: the GO key (Space unless chosen otherwise), ↑/↓ move the standby, Esc stops the waits.
 */
export function CueTransport({ show }: { show: ShowView }) {
  const [goKey, setGoKey] = useGoKey();
  const actions = useMemo(() => ({ go, up: back, down: next, stop }), []);
  useCueKeys(goKey, actions);
  const { cues, cueStandby, cuePosition } = show;
  const standby = cues[cueStandby];
  const fired = cuePosition >= 0 ? cues[cuePosition] : undefined;
  const keyLabel = GO_KEYS.find((k) => k.code === goKey)?.label ?? goKey;
  return (
    <div className="transport">
      <button type="button" className="go" disabled={!standby} onClick={go} data-testid="cue-go" title={`GO (${keyLabel})`}>
        <span>GO</span>
        <small data-testid="cue-standby">{standby ? `Standby: ${cueLabel(standby, cueStandby)} · ${standby.name}` : cues.length ? 'end of the list' : 'no cues'}</small>
      </button>
      <div className="stack">
        <button type="button" onClick={back} disabled={cueStandby <= 0} data-testid="cue-back" title="Standby up (↑)">
          ▲ Up
        </button>
        <button type="button" onClick={next} disabled={cueStandby >= cues.length - 1} data-testid="cue-next" title="Standby down (↓)">
          ▼ Down
        </button>
      </div>
      <div className="stack">
        <p className="muted small">
          Last fired: <b data-testid="cue-last">{fired ? `${cueLabel(fired, cuePosition)} · ${fired.name}` : 'none'}</b>
        </p>
        <label className="field inline small">
          <span>GO key</span>
          <select value={goKey} onChange={(e) => setGoKey(e.target.value as GoKey)} data-testid="go-key">
            {GO_KEYS.map((k) => (
              <option key={k.code} value={k.code}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <p className="muted small">↑/↓ move the standby · Esc stops the waits</p>
      </div>
      <RunningWaits show={show} />
    </div>
  );
}

/** The sequencer's waits, counting down on the show clock. */
function RunningWaits({ show }: { show: ShowView }) {
  const waits = show.cueWaits ?? [];
  const [now, setNow] = useState(showNow);
  useEffect(() => {
    if (!waits.length) return;
    const t = setInterval(() => setNow(showNow()), 100);
    return () => clearInterval(t);
  }, [waits.length]);
  if (!waits.length) return <p className="muted small" data-testid="cue-waits" data-count={0}>No waits running.</p>;
  const name = (id: string) => {
    const i = show.cues.findIndex((q) => q.id === id);
    return i >= 0 ? `${cueLabel(show.cues[i]!, i)} · ${show.cues[i]!.name}` : id;
  };
  return (
    <div className="cue-waits" data-testid="cue-waits" data-count={waits.length}>
      <ul>
        {waits.map((w) => (
          <li key={w.id} data-testid={`cue-wait-${w.cueId}`}>
            <span className="num">{left(w, now)}</span> {describeWait(w, name)}
          </li>
        ))}
      </ul>
      <button type="button" className="danger" onClick={stop} data-testid="cue-stop">
        Stop all waits (Esc)
      </button>
    </div>
  );
}

function left(w: CueWait, now: number): string {
  const s = Math.max(0, (w.dueAt - now) / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}` : `${s.toFixed(1)} s`;
}

function describeWait(w: CueWait, name: (id: string) => string): string {
  if (w.phase === 'pre-wait') return `pre-wait, then ${name(w.cueId)} fires`;
  const after = w.afterCueId ? name(w.afterCueId) : 'the last cue';
  return w.phase === 'post-wait' ? `post-wait of ${after}, then ${name(w.cueId)} GOes` : `${after} ends, then ${name(w.cueId)} GOes`;
}
