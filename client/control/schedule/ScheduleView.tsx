import { useMemo, useState } from 'react';
import { localTime, type NextEvent, type Schedule } from '../../../protocol';
import { useControl } from '../store';
import { send } from '../link';
import { useNow } from '../format';
import { Empty, Section, Toggle } from '../ui';
import { Exceptions, WeekdayHours } from './ScheduleDays';

const ZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
})();

function zoneTime(now: number, timeZone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' }).format(new Date(now));
  } catch {
    return null;
  }
}

const KINDS: Record<NextEvent['kind'], string> = { opening: 'Opening', cue: 'Cue', closing: 'Closing (blackout)' };

/** The schedule's next event, in words, in the schedule's zone. */
function NextLine({ next, zone, cueName }: { next: NextEvent | null; zone: string; cueName: (id: string) => string }) {
  if (!next) return <p className="muted" data-testid="schedule-next">Next event: none in the next two weeks.</p>;
  const when = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(next.at));
  return (
    <p data-testid="schedule-next">
      Next: <strong>{KINDS[next.kind]}{next.cueId ? ` '${cueName(next.cueId)}'` : ''}</strong> at <strong>{next.time}</strong> ({zone}), {when}
      {next.note ? <span className="muted"> · {next.note}</span> : null}
    </p>
  );
}

/** The schedule: opening hours (by weekday, with dated exceptions), attract pieces, timed cues, time zone. Saved as one schedule.set. */
export function ScheduleView() {
  const show = useControl((s) => s.show)!;
  const pieces = useControl((s) => s.pieces);
  const [draft, setDraft] = useState<Schedule | null>(null);
  const s = draft ?? show.schedule;
  const dirty = draft !== null && JSON.stringify(draft) !== JSON.stringify(show.schedule);
  const edit = (patch: Partial<Schedule>) => setDraft({ ...s, ...patch });
  const now = useNow(15_000);
  const local = zoneTime(now, s.timezone);
  const today = (() => {
    try {
      return localTime(now, s.timezone).day;
    } catch {
      return new Date(now).toISOString().slice(0, 10);
    }
  })();
  const entries = useMemo(() => s.entries.map((e, i) => ({ ...e, i })).sort((a, b) => a.time.localeCompare(b.time)), [s.entries]);

  const save = () =>
    void send({ type: 'schedule.set', schedule: s }, 'Schedule').then((ok) => {
      if (ok) setDraft(null);
    });

  return (
    <>
      <Section
        title="Day schedule"
        actions={
          <div className="row">
            <button type="button" className="ghost" disabled={!draft} onClick={() => setDraft(null)}>
              Revert
            </button>
            <button type="button" className="primary" disabled={!dirty} onClick={save} data-testid="schedule-save">
              Save schedule
            </button>
          </div>
        }
      >
        <NextLine next={show.schedule.enabled ? show.scheduleNext : null} zone={show.schedule.timezone} cueName={(id) => show.cues.find((q) => q.id === id)?.name ?? id} />
        <p className="muted small">
          At opening each wall plays its attract piece and the blackout lifts; timed cues fire at their time; at closing the show blacks out. Events are fired once a day; after a
          restart a missed opening or closing still happens, missed cues are skipped.
        </p>
        <div className="row wrap">
          <Toggle checked={s.enabled} onChange={(enabled) => edit({ enabled })} label={s.enabled ? 'Schedule runs' : 'Schedule off (manual)'} testId="schedule-enabled" />
        </div>
        <div className="row wrap">
          <label className="field">
            <span>Time zone</span>
            <input list="zones" value={s.timezone} onChange={(e) => edit({ timezone: e.target.value })} data-testid="schedule-tz" />
            <datalist id="zones">
              {ZONES.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </label>
          <p className={`small ${local ? 'muted' : 'bad'}`}>{local ? `Now there: ${local}` : 'Not a time zone: use an IANA name like Europe/Brussels.'}</p>
        </div>
        <div className="row wrap">
          <label className="field narrow">
            <span>Usual opening ({s.timezone})</span>
            <input type="time" required value={s.opening} onChange={(e) => e.target.value && edit({ opening: e.target.value.slice(0, 5) })} data-testid="schedule-opening" />
          </label>
          <label className="field narrow">
            <span>Usual closing, blackout ({s.timezone})</span>
            <input type="time" required value={s.closing} onChange={(e) => e.target.value && edit({ closing: e.target.value.slice(0, 5) })} data-testid="schedule-closing" />
          </label>
        </div>
      </Section>
      <Section title="Hours by weekday">
        <WeekdayHours s={s} edit={edit} />
      </Section>
      <Section title="Exceptions (holidays, private events)">
        <Exceptions s={s} edit={edit} today={today} />
      </Section>
      <Section title="Attract pieces at opening">
        {show.walls.length ? (
          <div className="grid-form">
            {show.walls.map((w) => (
              <label key={w.id} className="field">
                <span>{w.name}</span>
                <select
                  value={s.attract[w.id] ?? ''}
                  onChange={(e) => {
                    const attract = { ...s.attract };
                    if (e.target.value) attract[w.id] = e.target.value;
                    else delete attract[w.id];
                    edit({ attract });
                  }}
                  data-testid={`attract-${w.id}`}
                >
                  <option value="">keep what plays</option>
                  {pieces.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.title}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
        ) : (
          <Empty>No walls.</Empty>
        )}
      </Section>
      <Section
        title={`Timed cues (${s.entries.length}), every open day (${s.timezone})`}
        actions={
          <button type="button" disabled={!show.cues.length} onClick={() => edit({ entries: [...s.entries, { time: s.opening, cueId: show.cues[0]!.id }] })} data-testid="schedule-add">
            Add timed cue
          </button>
        }
      >
        {!show.cues.length && <Empty>Create cues first (Cues tab); the schedule fires them by time.</Empty>}
        <ul className="entries">
          {entries.map((e) => (
            <li key={e.i} className="row">
              <input
                type="time"
                value={e.time}
                aria-label="Time"
                onChange={(ev) => ev.target.value && edit({ entries: s.entries.map((x, j) => (j === e.i ? { ...x, time: ev.target.value.slice(0, 5) } : x)) })}
              />
              <select value={e.cueId} aria-label="Cue" onChange={(ev) => edit({ entries: s.entries.map((x, j) => (j === e.i ? { ...x, cueId: ev.target.value } : x)) })}>
                {!show.cues.some((q) => q.id === e.cueId) && <option value={e.cueId}>{e.cueId} (missing)</option>}
                {show.cues.map((q) => (
                  <option key={q.id} value={q.id}>
                    {q.name}
                  </option>
                ))}
              </select>
              <button type="button" className="ghost" onClick={() => edit({ entries: s.entries.filter((_, j) => j !== e.i) })}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      </Section>
    </>
  );
}
