import { describe, expect, it } from 'vitest';
import { createScheduler, eventsOf, localTime, memoryOnly, type SchedulerMemory } from '../../server/show/scheduler';
import { createShowStore, type ShowStore } from '../../server/show/store';
import { createMemoryStorage } from '../../server/persistence/journal';
import { demoShow } from '../../server/show/demo';
import type { Manifest, Schedule } from '../../protocol';

const pieces: Record<string, Pick<Manifest, 'id' | 'params'>> = {
  canopy: { id: 'canopy', params: { speed: { type: 'number', min: 0, max: 2, default: 1 } } },
  prism: { id: 'prism', params: {} },
  attract: { id: 'attract', params: {} },
};

// 2025-06-10 in Brussels is CEST (UTC+2): 10:00 local = 08:00Z.
const at = (iso: string) => Date.parse(iso);
const silent = { info: () => {}, warn: () => {} };

function setup(startIso: string, memory: SchedulerMemory = memoryOnly()) {
  const clock = { now: at(startIso) };
  const store = createShowStore({
    initial: { ...demoShow(0, () => 'canopy'), blackout: true },
    storage: createMemoryStorage(),
    time: () => clock.now,
    piece: (id) => pieces[id],
  });
  must(store, { type: 'cue.save', cueId: 'morning', name: 'Morning', commands: [{ type: 'wall.play', wallId: 'main', installationId: 'prism' }] });
  must(store, { type: 'cue.save', cueId: 'noon', name: 'Noon', commands: [{ type: 'wall.play', wallId: 'canopy', installationId: 'prism' }] });
  return { clock, store, memory };
}

function must(store: ShowStore, command: unknown): void {
  const res = store.dispatch(command);
  if (!res.ok) throw new Error(res.error.message);
}

const schedule = (over: Partial<Schedule> = {}): Schedule => ({
  enabled: true,
  timezone: 'Europe/Brussels',
  opening: '10:00',
  closing: '20:00',
  attract: { main: 'attract', canopy: 'attract' },
  entries: [
    { time: '10:15', cueId: 'morning' },
    { time: '12:00', cueId: 'noon' },
  ],
  ...over,
});

/** Advances the injected clock in small steps, ticking at each: a server that never slept. */
function runTo(env: { clock: { now: number } }, sched: { tick(): void }, iso: string, stepMs = 20_000): void {
  const end = at(iso);
  while (env.clock.now < end) {
    env.clock.now = Math.min(end, env.clock.now + stepMs);
    sched.tick();
  }
}

function scheduler(env: ReturnType<typeof setup>) {
  return createScheduler({ store: env.store, time: () => env.clock.now, logger: silent, memory: env.memory });
}

describe('scheduler', () => {
  it('reads local time in the configured zone', () => {
    expect(localTime(at('2025-06-10T08:00:00Z'), 'Europe/Brussels')).toEqual({ day: '2025-06-10', time: '10:00' });
    expect(localTime(at('2025-06-10T23:30:00Z'), 'Asia/Tokyo')).toEqual({ day: '2025-06-11', time: '08:30' });
    expect(eventsOf(schedule({ entries: [{ time: '10:00', cueId: 'morning' }] })).map((e) => e.kind)).toEqual(['opening', 'cue', 'closing']);
  });

  it('opens with the attract pieces, fires timed cues, and blacks out at closing', () => {
    const env = setup('2025-06-10T07:50:00Z'); // 09:50 local
    must(env.store, { type: 'schedule.set', schedule: schedule() });
    const s = scheduler(env);
    s.tick();
    expect(env.store.get().blackout).toBe(true);
    expect(env.store.get().walls.main!.installationId).toBe('canopy');

    runTo(env, s, '2025-06-10T08:00:10Z'); // 10:00:10 local
    expect(env.store.get().blackout).toBe(false);
    expect(env.store.get().walls.main!.installationId).toBe('attract');
    expect(env.store.get().walls.canopy!.installationId).toBe('attract');
    expect(env.store.get().cuePosition).toBe(-1);

    runTo(env, s, '2025-06-10T08:15:05Z'); // 10:15
    expect(env.store.get().cuePosition).toBe(0);
    expect(env.store.get().walls.main!.installationId).toBe('prism');

    runTo(env, s, '2025-06-10T17:59:00Z', 60_000); // 19:59
    expect(env.store.get().cuePosition).toBe(1);
    expect(env.store.get().blackout).toBe(false);
    runTo(env, s, '2025-06-10T18:00:30Z'); // 20:00
    expect(env.store.get().blackout).toBe(true);
    expect(s.today().every((e) => e.handled)).toBe(true);
  });

  it('fires each event once: a restart after opening does not re-open or replay cues', () => {
    const env = setup('2025-06-10T07:59:00Z');
    must(env.store, { type: 'schedule.set', schedule: schedule() });
    const first = scheduler(env);
    first.tick();
    runTo(env, first, '2025-06-10T08:20:00Z');
    expect(env.store.get().cuePosition).toBe(0);
    first.close();

    // The technician changes things by hand; then the server restarts (same memory file).
    must(env.store, { type: 'wall.play', wallId: 'main', installationId: 'canopy' });
    must(env.store, { type: 'show.blackout', on: true });
    const version = env.store.get().version;
    env.clock.now = at('2025-06-10T08:40:00Z');
    const second = scheduler(env);
    second.tick();
    runTo(env, second, '2025-06-10T08:45:00Z');
    expect(env.store.get().version).toBe(version);
    expect(env.store.get().walls.main!.installationId).toBe('canopy');
    expect(env.store.get().blackout).toBe(true);
  });

  it('a server that was down over opening still opens, but skips the cues it missed', () => {
    const env = setup('2025-06-10T08:30:00Z'); // 10:30 local: opening and the 10:15 cue are past
    must(env.store, { type: 'schedule.set', schedule: schedule() });
    env.memory.save({ day: '2025-06-09', handled: ['opening@10:00', 'closing@20:00'] }); // yesterday's
    const s = scheduler(env);
    s.tick();
    expect(env.store.get().blackout).toBe(false);
    expect(env.store.get().walls.main!.installationId).toBe('attract');
    expect(env.store.get().cuePosition).toBe(-1);
    runTo(env, s, '2025-06-10T10:00:30Z'); // 12:00: the next cue fires on time
    expect(env.store.get().cuePosition).toBe(1);
  });

  it('a server booted after closing blacks out without playing the attract pieces', () => {
    const env = setup('2025-06-10T19:00:00Z'); // 21:00 local
    must(env.store, { type: 'show.blackout', on: false });
    must(env.store, { type: 'schedule.set', schedule: schedule() });
    const s = scheduler(env);
    s.tick();
    expect(env.store.get().blackout).toBe(true);
    expect(env.store.get().walls.main!.installationId).toBe('canopy');
    expect(env.store.get().cuePosition).toBe(-1);
  });

  it('does nothing while disabled', () => {
    const env = setup('2025-06-10T07:59:00Z');
    must(env.store, { type: 'schedule.set', schedule: schedule({ enabled: false }) });
    const s = scheduler(env);
    const version = env.store.get().version;
    s.tick();
    runTo(env, s, '2025-06-10T18:01:00Z', 60_000);
    expect(env.store.get().version).toBe(version);
  });

  it('an edit takes effect from the next event: past events are not fired', () => {
    const env = setup('2025-06-10T09:58:00Z'); // 11:58 local
    must(env.store, { type: 'show.blackout', on: false });
    const s = scheduler(env);
    s.tick();
    must(env.store, { type: 'schedule.set', schedule: schedule({ entries: [{ time: '11:00', cueId: 'morning' }, { time: '12:00', cueId: 'noon' }] }) });
    runTo(env, s, '2025-06-10T09:59:50Z');
    expect(env.store.get().cuePosition).toBe(-1);
    expect(env.store.get().walls.main!.installationId).toBe('canopy'); // neither opening nor 11:00 replayed
    runTo(env, s, '2025-06-10T10:00:20Z');
    expect(env.store.get().cuePosition).toBe(1);
    expect(env.store.get().walls.canopy!.installationId).toBe('prism');
  });

  it('follows the configured time zone', () => {
    const env = setup('2025-06-10T00:59:00Z'); // 09:59 in Tokyo, 02:59 in Brussels
    must(env.store, { type: 'schedule.set', schedule: schedule({ timezone: 'Asia/Tokyo', entries: [] }) });
    const s = scheduler(env);
    s.tick();
    expect(env.store.get().blackout).toBe(true);
    runTo(env, s, '2025-06-10T01:00:30Z'); // 10:00 in Tokyo
    expect(env.store.get().blackout).toBe(false);
  });

  it('does not fire twice when the clocks go back (DST) and refires the next day', () => {
    // 2025-10-26, Brussels: 03:00 CEST becomes 02:00 CET, so 02:30 happens twice (00:30Z and 01:30Z).
    const env = setup('2025-10-26T00:20:00Z');
    must(env.store, { type: 'show.blackout', on: false });
    must(env.store, { type: 'schedule.set', schedule: schedule({ opening: '01:00', closing: '23:00', attract: {}, entries: [{ time: '02:30', cueId: 'noon' }] }) });
    const s = scheduler(env);
    s.tick();
    runTo(env, s, '2025-10-26T00:31:00Z');
    expect(env.store.get().cuePosition).toBe(1);
    must(env.store, { type: 'cue.go', cueId: 'morning' });
    runTo(env, s, '2025-10-26T01:40:00Z', 60_000);
    expect(env.store.get().cuePosition).toBe(0); // the second 02:30 did not fire 'noon' again
    runTo(env, s, '2025-10-27T01:31:00Z', 60_000); // the next day's 02:30 (CET)
    expect(env.store.get().cuePosition).toBe(1);
  });

  it('skips a refused command and logs it, without throwing', () => {
    const env = setup('2025-06-10T07:59:30Z');
    must(env.store, { type: 'schedule.set', schedule: schedule() });
    must(env.store, { type: 'wall.delete', wallId: 'canopy' }); // attract still names it
    const warnings: string[] = [];
    const s = createScheduler({ store: env.store, time: () => env.clock.now, logger: { info: () => {}, warn: (_o: unknown, m?: string) => void warnings.push(m ?? '') }, memory: env.memory });
    s.tick();
    runTo(env, s, '2025-06-10T08:00:30Z');
    expect(env.store.get().blackout).toBe(false);
    expect(env.store.get().walls.main!.installationId).toBe('attract');
    expect(warnings.some((w) => w.includes('canopy'))).toBe(true);
  });
});

describe('scheduler: why, for the activity log', () => {
  it('dispatches each event acting as the schedule, naming the event and its time', async () => {
    const { currentActor } = await import('../../server/activity/actor');
    const env = setup('2025-06-10T17:50:00Z'); // 19:50 local, open
    must(env.store, { type: 'schedule.set', schedule: schedule() });
    must(env.store, { type: 'show.blackout', on: false });
    const actors: Array<[string, string | null]> = [];
    env.store.onDispatch((e) => actors.push([`${e.type}/${e.source}`, currentActor()]));
    const s = scheduler(env);
    runTo(env, s, '2025-06-10T18:01:00Z'); // past 20:00 local
    expect(actors).toContainEqual(['show.blackout/schedule', 'schedule: closing at 20:00']);
    expect(currentActor(), 'the actor ends with the dispatch').toBeNull();
  });
});

describe('scheduler: weekdays and dated exceptions', () => {
  // 2025-06-10 is a Tuesday; Brussels is UTC+2 in June.
  it('a weekday with its own hours opens and closes at them; a closed weekday has no event at all', () => {
    const days = { tue: { opening: '12:00', closing: '18:00' }, wed: null };
    expect(eventsOf(schedule({ days }), '2025-06-10').map((e) => `${e.kind}@${e.time}`)).toEqual(['cue@10:15', 'opening@12:00', 'cue@12:00', 'closing@18:00']);
    expect(eventsOf(schedule({ days }), '2025-06-11')).toEqual([]);
    expect(eventsOf(schedule({ days }), '2025-06-12').map((e) => e.time)).toEqual(['10:00', '10:15', '12:00', '20:00']);

    const env = setup('2025-06-10T07:50:00Z'); // Tuesday 09:50 local
    must(env.store, { type: 'schedule.set', schedule: schedule({ days }) });
    const s = scheduler(env);
    runTo(env, s, '2025-06-10T09:30:00Z'); // 11:30: before Tuesday's own opening
    expect(env.store.get().blackout, 'not open yet on Tuesday').toBe(true);
    runTo(env, s, '2025-06-10T10:01:00Z'); // 12:01
    expect(env.store.get().blackout).toBe(false);
    runTo(env, s, '2025-06-10T16:01:00Z'); // 18:01
    expect(env.store.get().blackout).toBe(true);
    runTo(env, s, '2025-06-11T10:30:00Z'); // Wednesday 12:30: closed all day
    expect(env.store.get().blackout).toBe(true);
  });

  it('a dated exception wins over the weekday: closed for a holiday, other hours for a private event', () => {
    const sched = schedule({ days: { tue: { opening: '12:00', closing: '18:00' } }, exceptions: [{ date: '2025-06-10', hours: null, note: 'Holiday' }, { date: '2025-06-12', hours: { opening: '19:00', closing: '23:00' }, note: 'Private event' }] });
    expect(eventsOf(sched, '2025-06-10')).toEqual([]);
    expect(eventsOf(sched, '2025-06-12').filter((e) => e.kind !== 'cue').map((e) => e.time)).toEqual(['19:00', '23:00']);
  });

  it('says what comes next, across closed days, with the exception that sets it', async () => {
    const { nextEvent } = await import('../../server/show/scheduler');
    const sched = schedule({ exceptions: [{ date: '2025-06-11', hours: null, note: 'Holiday' }, { date: '2025-06-12', hours: { opening: '19:00', closing: '23:00' }, note: 'Private event' }] });
    expect(nextEvent(sched, at('2025-06-10T08:20:00Z'))).toMatchObject({ kind: 'cue', day: '2025-06-10', time: '12:00', cueId: 'noon', at: at('2025-06-10T10:00:00Z') });
    // After Tuesday's closing: Wednesday is a holiday, so Thursday's private event.
    expect(nextEvent(sched, at('2025-06-10T18:30:00Z'))).toMatchObject({ kind: 'cue', day: '2025-06-12', time: '10:15', note: 'Private event' });
    expect(nextEvent({ ...sched, enabled: false }, at('2025-06-10T08:20:00Z'))).toBeNull();
  });
});
