import type { DayHours, Schedule, ScheduleException, Weekday } from './show-parts';
import { WEEKDAYS } from './show-parts';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local date (YYYY-MM-DD) and time (HH:MM) of an epoch time in an IANA zone. */
export function localTime(epochMs: number, timeZone: string): { day: string; time: string } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  return { day: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

const utcOf = (day: string, time: string) => Date.parse(`${day}T${time}:00Z`);

/** The epoch time of a local date and time in an IANA zone (the first one, when a clock change repeats it). */
export function epochOfLocal(day: string, time: string, timeZone: string): number {
  const target = utcOf(day, time);
  let t = target;
  for (let i = 0; i < 3; i++) {
    const l = localTime(t, timeZone);
    const diff = utcOf(l.day, l.time) - t; // the zone's offset at t
    const next = target - diff;
    if (next === t) break;
    t = next;
  }
  return t;
}

/** The weekday of a YYYY-MM-DD date. */
export function weekdayOf(day: string): Weekday {
  return WEEKDAYS[(new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7]!;
}

/** The date after a YYYY-MM-DD date. */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** A day's hours and why: a dated exception wins, then the weekday's own hours, then the default hours. Null hours: closed. */
export function hoursOn(schedule: Pick<Schedule, 'opening' | 'closing' | 'days' | 'exceptions'>, day: string): { hours: DayHours | null; exception: ScheduleException | null } {
  const exception = schedule.exceptions?.find((e) => e.date === day) ?? null;
  if (exception) return { hours: exception.hours, exception };
  const own = schedule.days?.[weekdayOf(day)];
  if (own !== undefined) return { hours: own, exception: null };
  return { hours: { opening: schedule.opening, closing: schedule.closing }, exception: null };
}

/** The schedule's next event (ShowView.scheduleNext): the panel's "next event" line. */
export interface NextEvent {
  kind: 'opening' | 'cue' | 'closing';
  /** Local date and time in the schedule's zone. */
  day: string;
  time: string;
  /** Show time it fires at. */
  at: number;
  cueId?: string;
  /** The dated exception that sets that day's hours, if one does. */
  note?: string;
}
