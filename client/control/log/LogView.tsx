import { useEffect, useMemo, useRef, useState } from 'react';
import { COMMAND_SOURCES, type ActivityEntry, type ActivityKind, type ActivityPage, type CommandSource } from '../../../protocol';
import { call } from '../rest';
import { Empty, Section } from '../ui';

const KINDS: Array<[ActivityKind, string]> = [
  ['command', 'commands'],
  ['screen', 'screens'],
  ['piece-error', 'piece errors'],
  ['sign-in', 'sign-ins'],
  ['show-replaced', 'imports and restores'],
];
const SOURCES: Record<CommandSource, string> = { socket: 'panel', rest: 'REST', cue: 'cue', schedule: 'schedule', osc: 'OSC', upload: 'upload', internal: 'server' };
const KEEP = 1000;
const POLL_MS = 1500;
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const time = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const day = (t: number) => new Date(t).toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' });

/** The activity log, live: every command with where it came from and its result, screens, errors, sign-ins. */
export function LogView() {
  const [entries, setEntries] = useState<ActivityEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [kind, setKind] = useState<ActivityKind | ''>('');
  const [source, setSource] = useState<CommandSource | ''>('');
  const [refusedOnly, setRefusedOnly] = useState(false);
  const [text, setText] = useState('');
  const last = useRef(0);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const res = await call<ActivityPage>('GET', `/api/log?since=${last.current}&limit=${last.current === 0 ? 500 : 1000}`);
      if (!live) return;
      if (res.ok) {
        setError(null);
        if (res.last < last.current) last.current = 0; // a fresh data directory: start over
        else if (res.entries.length) {
          last.current = res.entries.at(-1)!.seq;
          setEntries((old) => [...old, ...res.entries].slice(-KEEP));
        }
      } else setError(res.error.message);
      if (document.visibilityState === 'visible') timer = setTimeout(() => void poll(), POLL_MS);
      else timer = setTimeout(() => void poll(), POLL_MS * 4);
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []);
  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return entries
      .filter((e) => (!kind || e.kind === kind) && (!source || e.source === source) && (!refusedOnly || (e.kind === 'command' && e.result !== 'ok')) && (!needle || `${e.text} ${e.by ?? ''}`.toLowerCase().includes(needle)))
      .reverse();
  }, [entries, kind, source, refusedOnly, text]);
  return (
    <Section title="Activity" testId="activity-log">
      <div className="row wrap log-filters">
        <select value={kind} onChange={(e) => setKind(e.target.value as ActivityKind | '')} aria-label="Kind" data-testid="log-kind">
          <option value="">everything</option>
          {KINDS.map(([k, label]) => (
            <option key={k} value={k}>{label}</option>
          ))}
        </select>
        <select value={source} onChange={(e) => setSource(e.target.value as CommandSource | '')} aria-label="Source" data-testid="log-source">
          <option value="">from anywhere</option>
          {COMMAND_SOURCES.map((s) => (
            <option key={s} value={s}>from {SOURCES[s]}</option>
          ))}
        </select>
        <label className="row">
          <input type="checkbox" checked={refusedOnly} onChange={(e) => setRefusedOnly(e.target.checked)} data-testid="log-refused" /> refused only
        </label>
        <input type="search" placeholder="Search" value={text} onChange={(e) => setText(e.target.value)} aria-label="Search the log" data-testid="log-search" />
        <span className="muted">Times in {zone}. Newest first; the server keeps the last 5,000.</span>
      </div>
      {error && <p className="muted">The log cannot be read now: {error}</p>}
      {shown.length === 0 ? (
        <Empty>{entries.length ? 'Nothing matches these filters.' : 'Nothing yet.'}</Empty>
      ) : (
        <ol className="log" data-testid="log-entries">
          {shown.map((e) => (
            <li key={e.seq} className={`log-${e.kind}${e.result !== 'ok' && e.kind === 'command' ? ' refused' : ''}`} data-testid="log-entry">
              <time dateTime={new Date(e.at).toISOString()} title={day(e.at)}>{time(e.at)}</time>
              <span className="log-by">{e.by ?? ''}{e.source && e.source !== 'socket' && !e.by?.startsWith(SOURCES[e.source]) ? ` · ${SOURCES[e.source]}` : ''}</span>
              <span className="log-text">{e.text}</span>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}
