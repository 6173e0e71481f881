import { useState } from 'react';
import { WEEKDAYS, type DayHours, type Schedule, type ScheduleException, type Weekday } from '../../../protocol';
import { Empty } from '../ui';

const NAMES: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };

type Mode = 'default' | 'own' | 'closed';
const modeOf = (v: DayHours | null | undefined): Mode => (v === undefined ? 'default' : v === null ? 'closed' : 'own');

/** Hours per weekday: the default hours, hours of its own, or closed. */
export function WeekdayHours({ s, edit }: { s: Schedule; edit: (patch: Partial<Schedule>) => void }) {
  const set = (day: Weekday, v: DayHours | null | undefined) => {
    const days = { ...(s.days ?? {}) };
    if (v === undefined) delete days[day];
    else days[day] = v;
    edit({ days: Object.keys(days).length ? days : undefined });
  };
  return (
    <table className="weekdays" data-testid="schedule-weekdays">
      <tbody>
        {WEEKDAYS.map((d) => {
          const v = s.days?.[d];
          const mode = modeOf(v);
          return (
            <tr key={d}>
              <th scope="row">{NAMES[d]}</th>
              <td>
                <select
                  value={mode}
                  aria-label={`${NAMES[d]} hours`}
                  data-testid={`weekday-${d}`}
                  onChange={(e) => {
                    const m = e.target.value as Mode;
                    set(d, m === 'default' ? undefined : m === 'closed' ? null : (v ?? { opening: s.opening, closing: s.closing }));
                  }}
                >
                  <option value="default">
                    usual hours ({s.opening}–{s.closing})
                  </option>
                  <option value="own">hours of its own</option>
                  <option value="closed">closed</option>
                </select>
              </td>
              <td>
                {v && (
                  <span className="row">
                    <input type="time" required value={v.opening} aria-label={`${NAMES[d]} opening`} data-testid={`weekday-${d}-opening`} onChange={(e) => e.target.value && set(d, { ...v, opening: e.target.value.slice(0, 5) })} />
                    –
                    <input type="time" required value={v.closing} aria-label={`${NAMES[d]} closing`} data-testid={`weekday-${d}-closing`} onChange={(e) => e.target.value && set(d, { ...v, closing: e.target.value.slice(0, 5) })} />
                  </span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Dated exceptions: a holiday (closed) or a private event (other hours), with a note. */
export function Exceptions({ s, edit, today }: { s: Schedule; edit: (patch: Partial<Schedule>) => void; today: string }) {
  const list = [...(s.exceptions ?? [])].map((e, i) => ({ e, i })).sort((a, b) => a.e.date.localeCompare(b.e.date));
  const [date, setDate] = useState('');
  const put = (next: ScheduleException[]) => edit({ exceptions: next.length ? next : undefined });
  const change = (i: number, patch: Partial<ScheduleException>) => put((s.exceptions ?? []).map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const taken = (s.exceptions ?? []).some((x) => x.date === date);
  return (
    <>
      <form
        className="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          if (date && !taken) put([...(s.exceptions ?? []), { date, hours: null, note: '' }]);
          setDate('');
        }}
      >
        <label className="field narrow">
          <span>Date</span>
          <input type="date" value={date} min={today} onChange={(e) => setDate(e.target.value)} data-testid="exception-date" />
        </label>
        <button type="submit" disabled={!date || taken} data-testid="exception-add">
          Add an exception
        </button>
        {taken && <span className="small warn-text">That date has one already.</span>}
      </form>
      {list.length === 0 ? (
        <Empty>None: every day follows its weekday.</Empty>
      ) : (
        <ul className="entries" data-testid="schedule-exceptions">
          {list.map(({ e, i }) => (
            <li key={`${e.date}-${i}`} className={`row wrap${e.date < today ? ' muted' : ''}`}>
              <strong className="mono">{e.date}</strong>
              <select value={e.hours ? 'open' : 'closed'} aria-label={`${e.date} hours`} onChange={(ev) => change(i, { hours: ev.target.value === 'closed' ? null : { opening: s.opening, closing: s.closing } })}>
                <option value="closed">closed all day</option>
                <option value="open">other hours</option>
              </select>
              {e.hours && (
                <>
                  <input type="time" required value={e.hours.opening} aria-label={`${e.date} opening`} onChange={(ev) => ev.target.value && change(i, { hours: { ...e.hours!, opening: ev.target.value.slice(0, 5) } })} />–
                  <input type="time" required value={e.hours.closing} aria-label={`${e.date} closing`} onChange={(ev) => ev.target.value && change(i, { hours: { ...e.hours!, closing: ev.target.value.slice(0, 5) } })} />
                </>
              )}
              <input placeholder="Why (shown in the panel)" maxLength={120} value={e.note ?? ''} aria-label={`${e.date} note`} onChange={(ev) => change(i, { note: ev.target.value })} />
              {e.date < today && <span className="small">past</span>}
              <button type="button" className="ghost" onClick={() => put((s.exceptions ?? []).filter((_, j) => j !== i))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
