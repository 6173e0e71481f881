import type { Logger } from 'pino';
import { hoursOn, localTime, nextDay, epochOfLocal, type NextEvent, type Schedule } from '../../protocol';
import type { TimeSource } from '../clock/time';
import type { ShowStore } from './store';
import { actingAs } from '../activity/actor';

/**
 * Runs the day's schedule in the pavilion's time zone, through store.dispatch (the one command
 * path):
 * - at `opening`, each wall named in `attract` plays its attract piece, then blackout turns off;
 * - at each entry's time, `cue.go { cueId }`;
 * - at `closing`, `show.blackout { on: true }`.
 *
 * What happens after a restart, a sleep or a schedule edit (docs/operations.md):
 * - The scheduler remembers which of today's events it has handled, in a small file next to the
 *   show (`schedule-state.json`, written atomically before the event's command is dispatched), so
 *   an event fires at most once a day, even across restarts. The show itself is persisted, so a
 *   restart resumes exactly where the show was.
 * - Events that fell due while nobody watched (the server was down or the machine slept, i.e. the
 *   last check is more than `catchUpAfterMs` ago or there was none) are not replayed one by one.
 *   Only the latest missed opening or closing fires, so the show lands in the state the schedule
 *   implies now (a server booted at 10:30 still opens; one booted after closing blacks out).
 *   Missed timed cues are skipped and logged: a cue is a moment, firing it late would surprise.
 * - Editing the schedule (schedule.set) takes effect from the next event: events of today that are
 *   already past are marked handled without firing. The technician is there and sees the show.
 * - Nothing happens while the schedule is disabled.
 */
export interface Scheduler {
  /** Checks the clock and fires what is due. Called every `intervalMs` once started. */
  tick(): void;
  start(): void;
  close(): void;
  /** Today's events in the schedule's zone, with whether each has been handled (for tests and docs). */
  today(): Array<ScheduleEvent & { handled: boolean }>;
}

export type ScheduleEvent =
  | { kind: 'opening'; time: string }
  | { kind: 'cue'; time: string; cueId: string }
  | { kind: 'closing'; time: string };

/** What the scheduler remembers between restarts: the local day and the events handled on it. */
export interface SchedulerMemory {
  load(): { day: string; handled: string[] } | null;
  save(state: { day: string; handled: string[] }): void;
}

export function memoryOnly(): SchedulerMemory & { state: { day: string; handled: string[] } | null } {
  const m = {
    state: null as { day: string; handled: string[] } | null,
    load: () => (m.state ? { day: m.state.day, handled: [...m.state.handled] } : null),
    save: (s: { day: string; handled: string[] }) => void (m.state = { day: s.day, handled: [...s.handled] }),
  };
  return m;
}

export { localTime };

/**
 * A day's events in firing order: opening first, entries in list order, closing last within a
 * minute. With `day` (YYYY-MM-DD, local), that day's hours: a dated exception, else the weekday's
 * own, else the default; a closed day has no event at all (no opening, no timed cue, and the last
 * closing's blackout holds). Without `day`, the default hours.
 */
export function eventsOf(schedule: Schedule, day?: string): ScheduleEvent[] {
  const rank = { opening: 0, cue: 1, closing: 2 } as const;
  const hours = day === undefined ? { opening: schedule.opening, closing: schedule.closing } : hoursOn(schedule, day).hours;
  if (!hours) return [];
  const list: ScheduleEvent[] = [
    { kind: 'opening', time: hours.opening },
    ...schedule.entries.map((e) => ({ kind: 'cue' as const, time: e.time, cueId: e.cueId })),
    { kind: 'closing', time: hours.closing },
  ];
  return list
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.time.localeCompare(b.e.time) || rank[a.e.kind] - rank[b.e.kind] || a.i - b.i)
    .map(({ e }) => e);
}

const keyOf = (e: ScheduleEvent) => (e.kind === 'cue' ? `cue@${e.time}@${e.cueId}` : `${e.kind}@${e.time}`);

export function createScheduler(opts: {
  store: Pick<ShowStore, 'get' | 'dispatch' | 'subscribe'>;
  time: TimeSource;
  logger: Pick<Logger, 'info' | 'warn'>;
  memory: SchedulerMemory;
  intervalMs?: number;
  /** A gap between checks longer than this counts as "nobody watched" (restart, sleep). */
  catchUpAfterMs?: number;
}): Scheduler {
  const { store, logger, memory } = opts;
  const intervalMs = opts.intervalMs ?? 1000;
  const catchUpAfterMs = opts.catchUpAfterMs ?? 2 * 60_000;
  let state = memory.load() ?? { day: '', handled: [] as string[] };
  let handled = new Set(state.handled);
  let lastCheck: number | null = null;
  let seen = JSON.stringify(store.get().schedule);
  let timer: NodeJS.Timeout | null = null;

  function remember(day: string, keys: string[]): void {
    if (state.day !== day) {
      state = { day, handled: [] };
      handled = new Set();
    }
    for (const k of keys) handled.add(k);
    state = { day, handled: [...handled] };
    memory.save(state);
  }

  function fire(e: ScheduleEvent, schedule: Schedule): void {
    const commands: unknown[] =
      e.kind === 'opening'
        ? [...Object.entries(schedule.attract).map(([wallId, installationId]) => ({ type: 'wall.play', wallId, installationId })), { type: 'show.blackout', on: false }]
        : e.kind === 'cue'
          ? [{ type: 'cue.go', cueId: e.cueId }]
          : [{ type: 'show.blackout', on: true }];
    for (const c of commands) {
      if ((c as { type: string }).type === 'show.blackout' && store.get().blackout === (c as { on: boolean }).on) continue;
      // The activity log and the panel's notice say why: `schedule: closing at 20:00`.
      const res = actingAs(`schedule: ${e.kind === 'opening' ? 'opening' : e.kind === 'cue' ? `cue '${e.cueId}'` : 'closing'} at ${e.time}`, () => store.dispatch(c, 'schedule'));
      if (!res.ok) logger.warn({ event: e, command: c, error: res.error }, `schedule: ${e.kind} at ${e.time} could not run ${(c as { type: string }).type}: ${res.error.message}`);
    }
    logger.info({ event: e }, `schedule: ${e.kind}${e.kind === 'cue' ? ` '${e.cueId}'` : ''} at ${e.time}`);
  }

  /** Marks today's past events handled without firing them (a schedule edit takes effect from now). */
  function skipPast(now: number): void {
    const schedule = store.get().schedule;
    const { day, time } = localTime(now, schedule.timezone);
    remember(day, eventsOf(schedule, day).filter((e) => e.time <= time).map(keyOf));
  }

  function tick(): void {
    const now = opts.time();
    const schedule = store.get().schedule;
    const gap = lastCheck === null ? Infinity : now - lastCheck;
    lastCheck = now;
    if (!schedule.enabled) return;
    const { day, time } = localTime(now, schedule.timezone);
    if (state.day !== day) remember(day, []);
    const due = eventsOf(schedule, day).filter((e) => e.time <= time && !handled.has(keyOf(e)));
    if (!due.length) return;
    if (gap <= catchUpAfterMs) {
      for (const e of due) {
        remember(day, [keyOf(e)]);
        fire(e, store.get().schedule);
      }
      return;
    }
    // Nobody watched while these fell due: land in the state the schedule implies now.
    const phase = [...due].reverse().find((e) => e.kind !== 'cue');
    remember(day, due.map(keyOf));
    for (const e of due)
      if (e !== phase) logger.warn({ event: e }, `schedule: ${e.kind} at ${e.time} was missed while the server was down or asleep; skipped`);
    if (phase) fire(phase, store.get().schedule);
  }

  const unsubscribe = store.subscribe((show) => {
    const json = JSON.stringify(show.schedule);
    if (json === seen) return;
    seen = json;
    const now = opts.time();
    lastCheck = now;
    if (show.schedule.enabled) skipPast(now);
  });

  return {
    tick,
    start() {
      if (timer) return;
      const safeTick = () => {
        try {
          tick();
        } catch (e) {
          logger.warn({ err: e }, 'schedule: check failed; retrying in a moment');
        }
      };
      safeTick();
      timer = setInterval(safeTick, intervalMs);
      timer.unref?.();
    },
    close() {
      if (timer) clearInterval(timer);
      timer = null;
      unsubscribe();
    },
    today() {
      const schedule = store.get().schedule;
      const { day } = localTime(opts.time(), schedule.timezone);
      return eventsOf(schedule, day).map((e) => ({ ...e, handled: state.day === day && handled.has(keyOf(e)) }));
    },
  };
}

/** The schedule's next event after `now`, within two weeks: what the panel's "next event" line says. */
export function nextEvent(schedule: Schedule, now: number, days = 14): NextEvent | null {
  if (!schedule.enabled) return null;
  const here = localTime(now, schedule.timezone);
  let day = here.day;
  for (let i = 0; i < days; i++, day = nextDay(day)) {
    const e = eventsOf(schedule, day).find((x) => i > 0 || x.time > here.time);
    if (!e) continue;
    const note = hoursOn(schedule, day).exception?.note;
    return { kind: e.kind, day, time: e.time, at: epochOfLocal(day, e.time, schedule.timezone), ...(e.kind === 'cue' ? { cueId: e.cueId } : {}), ...(note ? { note } : {}) };
  }
  return null;
}
