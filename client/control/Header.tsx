import { useEffect, useMemo, useRef, useState } from 'react';
import type { ServerHealth, ServerNotice } from '../../protocol';
import { toast, useControl } from './store';
import { closeLink, send } from './link';
import { signOut } from './session';
import { blackoutOf, useAcked } from './acked';
import { throttle } from './format';

/** Show status at a glance, plus the master controls (blackout, volume) and sign-out. */
export function Header() {
  const show = useControl((s) => s.show);
  const connected = useControl((s) => s.connected);
  const clockPath = useControl((s) => s.clockPath);
  const screens = show?.screens ?? [];
  const online = screens.filter((s) => s.connected);
  const worstOffset = online.reduce((m, s) => Math.max(m, Math.abs(s.offsetMs ?? 0)), 0);
  const worstUncertainty = online.reduce((m, s) => Math.max(m, s.uncertaintyMs ?? 0), 0);
  const clockBad = worstUncertainty > 5 || worstOffset > 1000;
  const errors = show?.errorsLastHour ?? 0;
  // The last acknowledged blackout wins over a mirror that has not caught up with it yet (acked.ts).
  const acked = useAcked((s) => s.blackout);
  const blackout = show ? blackoutOf(show, acked) : false;

  return (
    <header className="topbar">
      <div className="brand">
        <strong>Pavilion</strong>
        {/* The panel's own clock path: in the pill's tooltip while it is the responder; spelled out when it is the fallback (the header stays one line). */}
        <span
          className={`pill ${connected ? (clockPath === 'socketio' ? 'warn' : 'ok') : 'bad'}`}
          data-testid="link-status"
          data-clock-path={clockPath ?? ''}
          title={
            clockPath === 'socketio'
              ? "Connected. This panel's clock pings go over its socket (the fallback): the clock responder's port is not reachable from this computer, or it is down"
              : clockPath === 'responder'
                ? "Connected. This panel's clock pings go to the clock responder, off the server's busy event loop"
                : 'Connected'
          }
        >
          {connected ? (clockPath === 'socketio' ? 'live · clock via socket.io' : 'live') : 'reconnecting…'}
        </span>
      </div>
      {show && (
        <div className="stats" data-testid="show-status">
          <span className={`stat ${online.length < screens.length ? 'warn' : ''}`} title="Screens connected out of all the show knows">
            <b data-testid="screens-online">{online.length}/{screens.length}</b> screens online
          </span>
          <span className={`stat ${clockBad ? 'warn' : ''}`} title="Worst clock offset and estimate uncertainty among online screens">
            clock <b>{online.length ? `${worstOffset.toFixed(1)} ms` : '—'}</b> ±{online.length ? worstUncertainty.toFixed(1) : '—'} ms
          </span>
          <span className={`stat ${errors ? 'bad' : ''}`} title="Piece errors reported by screens in the last hour">
            <b data-testid="errors-hour">{errors}</b> errors/h
          </span>
          {show.health?.status === 'degraded' && (
            <span className={`stat ${show.health.disk.state === 'low' ? 'warn' : 'bad'}`} title={show.health.reasons.join('\n')} data-testid="server-health" data-state={show.health.disk.state}>
              <b>{diskLabel(show.health)}</b>
            </span>
          )}
          <Notices notices={show.notices} serverTime={show.serverTime} />
          <Confirmation />
        </div>
      )}
      {show && (
        <div className="master">
          <Volume value={show.volume} />
          <button
            type="button"
            className={`blackout-btn${blackout ? ' on' : ''}`}
            aria-pressed={blackout}
            data-testid="master-blackout"
            onClick={() => void send({ type: 'show.blackout', on: !blackout }, 'Blackout')}
          >
            {blackout ? 'Blackout ON' : 'Blackout'}
          </button>
        </div>
      )}
      <button
        type="button"
        className="ghost"
        data-testid="signout"
        onClick={() => {
          closeLink();
          void signOut().then(() => useControl.setState({ phase: 'signed-out', signInNote: 'Signed out.' }));
        }}
      >
        Sign out
      </button>
    </header>
  );
}

/** The disk's state in a few words; the full reason (what to do) is in the title. */
function diskLabel(h: ServerHealth): string {
  const d = h.disk;
  if (d.state === 'full') return 'disk full: changes refused';
  if (d.state === 'failing') return `saving fails (${d.writeError ?? 'error'}): changes refused`;
  if (d.state === 'low') return `disk low: ${Math.round((d.freeBytes ?? 0) / 1048576)} MB free`;
  return h.reasons[0] ?? 'degraded';
}

/** The last action applied, for 3 s (8 s with Undo): no role, so it never competes with the toasts' status messages. */
function Confirmation() {
  const c = useControl((s) => s.confirmation);
  if (!c) return null;
  return (
    <span className="confirmation" aria-live="polite" data-testid="confirmation">
      {c.text}
      {c.undo && (
        <button type="button" className="undo" onClick={() => { useControl.setState({ confirmation: null }); c.undo!.run(); }} data-testid="undo">
          {c.undo.label}
        </button>
      )}
    </span>
  );
}

const NOTICE_TITLES: Record<ServerNotice['kind'], string> = {
  'params-migrated': 'Stored params changed',
  schedule: 'The schedule changed the show',
  upload: 'An upload changed the show',
  osc: 'OSC changed the show',
  cues: 'Cues',
};

/** What changed without this panel (params migrated, the schedule, an upload, OSC): a toast when new, the list on demand. */
function Notices({ notices, serverTime }: { notices: ServerNotice[] | undefined; serverTime: number }) {
  const seen = useRef(0);
  const list = notices ?? [];
  useEffect(() => {
    const last = list.at(-1)?.id ?? 0;
    if (last < seen.current) seen.current = 0; // the server restarted: its ids start again
    for (const n of list) if (n.id > seen.current && serverTime - n.at < 60_000) toast('warn', NOTICE_TITLES[n.kind], n.message);
    seen.current = Math.max(seen.current, last);
  }, [list, serverTime]);
  if (!list.length) return null;
  return (
    <details className="stat warn" data-testid="server-notices">
      <summary>
        <b>{list.length}</b> notice{list.length === 1 ? '' : 's'}
      </summary>
      <ul>
        {list.map((n) => (
          <li key={n.id}>{n.message}</li>
        ))}
      </ul>
    </details>
  );
}

function Volume({ value }: { value: number }) {
  const [local, setLocal] = useState<number | null>(null);
  const push = useMemo(
    () => throttle((v: number) => void send({ type: 'show.volume', volume: v }, 'Master volume').then((ok) => ok || setLocal(null)), 100),
    [],
  );
  useEffect(() => {
    if (local !== null && Math.abs(local - value) < 1e-6) setLocal(null);
  }, [local, value]);
  const shown = local ?? value;
  return (
    <label className="volume" title="Master volume">
      <span>Vol</span>
      <input
        type="range"
        min={0}
        max={1}
        step={0.01}
        value={shown}
        aria-label="Master volume"
        data-testid="master-volume"
        onChange={(e) => {
          const v = Number(e.target.value);
          setLocal(v);
          push(v);
        }}
      />
      <span className="num">{Math.round(shown * 100)}%</span>
    </label>
  );
}
