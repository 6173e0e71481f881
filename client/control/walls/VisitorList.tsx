import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { VisitorListEntry, VisitorListReply, WallStatus } from '../../../protocol';
import { colourOf } from '../../visit/colour';
import { send } from '../link';
import { toast } from '../store';
import { ago, throttle, useNow } from '../format';
import { ConfirmButton } from '../ui';

const POLL_MS = 2000;

/** Playing (and reconnecting) first, in order of arrival; then the queue, in its order. */
function order(a: VisitorListEntry, b: VisitorListEntry): number {
  const qa = a.status === 'queued' ? 1 : 0;
  const qb = b.status === 'queued' ? 1 : 0;
  if (qa !== qb) return qa - qb;
  if (qa) return a.queuePosition - b.queuePosition;
  return a.joinedAt - b.joinedAt;
}

function statusOf(v: VisitorListEntry): { text: string; className: string; title: string } {
  const offline = v.status === 'gone' || v.connected === false;
  if (v.status === 'queued')
    return { text: v.queuePosition > 0 ? `queued #${v.queuePosition}` : 'queued', className: 'warn', title: offline ? 'In the queue; the phone is offline and keeps its place for a few seconds' : 'Waiting in the queue for a place' };
  if (offline) return { text: 'offline', className: 'muted', title: 'The phone lost its connection; its place is kept for a few seconds (a reload, a tunnel)' };
  return { text: 'playing', className: 'ok', title: 'Playing: its input reaches the wall' };
}

function clockTitle(path: VisitorListEntry['clockPath']): string {
  if (path === 'responder') return "The phone's clock pings go to the clock responder (off the server's busy event loop)";
  if (path === 'socketio') return "The phone's clock pings go over its socket (the fallback: the clock responder's port is not reachable from the phone, or it is down)";
  return 'The phone has not said yet how its clock pings go';
}

/** "2 playing, 1 queued, 1 offline" */
function summary(list: VisitorListEntry[]): string {
  const n = { playing: 0, queued: 0, offline: 0 };
  for (const v of list) n[v.status === 'queued' ? 'queued' : v.status === 'gone' || v.connected === false ? 'offline' : 'playing']++;
  return Object.entries(n)
    .filter(([, k]) => k > 0)
    .map(([what, k]) => `${k} ${what}`)
    .join(', ');
}

/**
 * The wall's visitors (public id, colour, playing or queued, time here), refreshed every 2 s
 * while shown and whenever the counts in the show mirror change; each can be removed.
 */
export function VisitorList({ wall }: { wall: WallStatus }) {
  const [list, setList] = useState<VisitorListEntry[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [banMs, setBanMs] = useState<number | null>(null);
  /** Server time minus local time, from the last answer (ages are counted on the server's clock). */
  const offset = useRef(0);
  /** Answers can overtake each other: only the latest request may set the list. */
  const seq = useRef(0);
  const live = useRef(true);
  useNow(1000);

  const load = useCallback(async () => {
    if (!live.current) return;
    const mine = ++seq.current;
    try {
      const res = await fetch(`/api/walls/${encodeURIComponent(wall.id)}/visitors`, { credentials: 'same-origin' });
      const body = (await res.json().catch(() => null)) as VisitorListReply | { ok: false; error?: { message?: string; code?: string } } | null;
      if (mine !== seq.current) return;
      if (!res.ok || !body || !body.ok) {
        if (res.status === 401 || res.status === 403) return setProblem('The visitor list needs a technician session; sign in again.');
        const why = body && !body.ok ? body.error?.message : undefined;
        setProblem(`The visitor list could not be loaded (HTTP ${res.status}${why ? `: ${why}` : ''}). It retries every few seconds.`);
        return;
      }
      offset.current = body.now - Date.now();
      if (typeof body.banMs === 'number') setBanMs(body.banMs);
      setList([...body.visitors].sort(order));
      setProblem(null);
    } catch {
      if (mine === seq.current) setProblem('The server cannot be reached, so the visitor list is not up to date. It retries every few seconds.');
    }
  }, [wall.id]);

  // Every 2 s while shown, and soon after a join, leave or kick changes the counts in the show
  // mirror (at most once a second however busy the wall is).
  const refresh = useMemo(() => throttle(() => void load(), 1000), [load]);
  useEffect(() => {
    live.current = true;
    const t = setInterval(refresh, POLL_MS);
    return () => {
      clearInterval(t);
      live.current = false;
      seq.current++; // drop an answer still on its way
    };
  }, [refresh]);
  useEffect(() => refresh(), [refresh, wall.visitors, wall.queue]);

  const kick = async (v: VisitorListEntry) => {
    const ok = await send({ type: 'visitor.kick', visitorId: v.id }, `Remove visitor ${v.id}`);
    if (!ok) return;
    toast('ok', `Visitor ${v.id} removed`, `Their phone was disconnected and told the staff removed them${banMs ? `; they cannot come back for ${ago(banMs)}` : ''}.`);
    void load();
  };

  const now = Date.now() + offset.current;
  return (
    <div className="visitor-list" data-testid="visitor-list">
      <h3>
        On this wall{list?.length ? <span className="muted">: {summary(list)}</span> : null}
      </h3>
      {problem && <p className="form-error small" role="alert">{problem}</p>}
      {list === null ? (
        !problem && <p className="empty">Loading visitors…</p>
      ) : list.length === 0 ? (
        <p className="empty" data-testid="visitor-list-empty">
          No visitors yet — they join by scanning the wall's QR code.
        </p>
      ) : (
        <ul>
          {list.map((v) => {
            const st = statusOf(v);
            return (
              <li key={v.id} data-testid={`visitor-${v.id}`} data-status={v.status}>
                <span className="dot" style={{ background: colourOf(v.hue) }} aria-hidden="true" />
                <span className="mono visitor-id" title={`The public id; the visitor's phone shows it as “ID for the staff”${v.node ? ` (on node ${v.node})` : ''}`}>
                  {v.id}
                </span>
                <span className={`badge ${st.className}`} title={st.title}>
                  {st.text}
                </span>
                <span className={`small visitor-clock ${v.clockPath === 'socketio' ? 'warn' : 'muted'}`} data-testid={`visitor-clock-${v.id}`} title={clockTitle(v.clockPath)}>
                  {v.clockPath === 'responder' ? 'clock: responder' : v.clockPath === 'socketio' ? 'clock: socket.io' : 'clock: —'}
                </span>
                <span className="muted small visitor-age" title={new Date(v.joinedAt - offset.current).toLocaleTimeString()}>
                  {ago(now - v.joinedAt)}
                </span>
                <ConfirmButton
                  testId={`kick-${v.id}`}
                  confirm="Remove?"
                  onConfirm={() => void kick(v)}
                >
                  Remove
                </ConfirmButton>
              </li>
            );
          })}
        </ul>
      )}
      <p className="muted small">
        Remove disconnects the phone, frees its place for the next in the queue, and keeps that visitor out
        {banMs ? ` for ${ago(banMs)}` : ' for a while'}. The phone shows its id as “ID for the staff”.
      </p>
    </div>
  );
}
