import { Command, fail, type Ack, type Cue, type CueWait, type Show } from '../../protocol';
import type { TimeSource } from '../clock/time';
import type { ShowStore } from './store';
import { cueSettings } from './cue-checks';

/**
 * The cue sequencer: pre-waits, post-waits, auto-continue and auto-follow around `cue.go`, in
 * QLab's vocabulary (docs/operations.md, "Cues"). It stands in front of the store, so that a GO
 * from any source (panel, REST, OSC, the schedule) runs the same sequence; the reducer's `cue.go`
 * still fires a cue's commands, all at once.
 *
 * - GO on a cue with a pre-wait moves the standby at once (past the cues it continues into) and
 *   starts the wait; when it ends, the cue fires (`cue.go` with source `cue`).
 * - After a cue fires: auto-continue GOes the next cue after the post-wait; auto-follow GOes it when
 *   the cue's action has ended (its pieces switched and their transitions done: each wall.play's
 *   start time plus its transition), or after the post-wait if that is later.
 * - Waits run on the show clock (the TimeSource) and are kept in a small durable file (<data>/
 *   cue-sequence.json). After a restart a wait still ahead resumes at its show time; one that ended
 *   while the server was down (more than `resumeGraceMs` ago) is stopped, nothing of it runs, and a
 *   notice says which. A step is removed from the file before it runs: at most once.
 * - `cue.stop` stops every running wait; what has fired stays.
 */
export interface CueStep {
  id: number;
  /** fire: the cue's pre-wait ends, it fires; go: the cue GOes (its own pre-wait, if any, then runs). */
  kind: 'fire' | 'go';
  cueId: string;
  phase: CueWait['phase'];
  afterCueId: string | null;
  startedAt: number;
  dueAt: number;
}

export interface CueSequenceState {
  seq: number;
  steps: CueStep[];
}

/** Where the running sequence is kept between restarts (server/persistence/cue-memory.ts). */
export interface CueMemory {
  load(): CueSequenceState | null;
  save(state: CueSequenceState): void;
}

export function cueMemoryOnly(): CueMemory & { state: CueSequenceState | null } {
  const m = {
    state: null as CueSequenceState | null,
    load: () => (m.state ? structuredClone(m.state) : null),
    save: (s: CueSequenceState) => void (m.state = structuredClone(s)),
  };
  return m;
}

export interface CueSequencer {
  /** The store every source dispatches to: cue.go and cue.stop pass through the sequencer. Call once. */
  wrap(inner: ShowStore): ShowStore;
  /** Loads the sequence a restart interrupted (resumes or stops it, with a notice), then runs its waits on timers. */
  start(): void;
  /** Runs every step that is due (the timers call it; tests call it after moving a fake clock). */
  tick(): void;
  /** The running waits, soonest first. */
  waits(): CueWait[];
  /** Hears every change of the running waits (the panel's mirror). */
  onChange(listener: () => void): () => void;
  close(): void;
}

export interface CueSequencerOptions {
  time: TimeSource;
  memory: CueMemory;
  logger: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
  /** Tells the technician (a server notice in the panel). */
  notify: (message: string) => void;
  /** A wait that ended at most this long before a restart still runs (default 1000 ms); later ones are stopped. */
  resumeGraceMs?: number;
}

const clockTime = (t: number) => new Date(t).toISOString().slice(11, 19);

export function createCueSequencer(opts: CueSequencerOptions): CueSequencer {
  const { time, memory, logger } = opts;
  const grace = opts.resumeGraceMs ?? 1000;
  let inner: ShowStore | null = null;
  let seq = 0;
  let steps: CueStep[] = [];
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  const listeners = new Set<() => void>();

  const store = (): ShowStore => {
    if (!inner) throw new Error('cue sequencer: wrap(store) first');
    return inner;
  };
  function changed(): void {
    for (const l of listeners) {
      try {
        l();
      } catch (e) {
        logger.warn({ err: e }, 'cues: a listener failed');
      }
    }
    arm();
  }
  /** Saves the steps durably; throws when it cannot (the caller decides what that means). */
  function persist(): void {
    memory.save({ seq, steps });
  }
  function persistOrSay(what: string): void {
    try {
      persist();
    } catch (e) {
      logger.warn({ err: e }, `cues: ${what} could not be saved; it runs, but a restart would not know of it`);
    }
  }
  function add(step: Omit<CueStep, 'id'>): CueStep {
    const s = { ...step, id: ++seq };
    steps = [...steps, s].sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
    return s;
  }
  const cueAt = (show: Show, id: string) => show.cues.findIndex((q) => q.id === id);

  /** The index after `index` and the cues it continues into: where the standby goes on its GO. */
  function afterChain(show: Show, index: number): number {
    let i = index;
    while (i < show.cues.length - 1 && cueSettings(show.cues[i]!).continue !== 'none') i++;
    return Math.min(i + 1, show.cues.length);
  }

  /** When a fired cue's action has ended: its walls' pieces switched (startedAt) and their transitions done. */
  function actionEnd(show: Show, cue: Cue, firedAt: number): number {
    let end = firedAt;
    for (const c of cue.commands) {
      if (c.type !== 'wall.play' && c.type !== 'wall.stop') continue;
      const w = show.walls[c.wallId];
      if (w) end = Math.max(end, w.startedAt + (c.type === 'wall.play' ? (w.transition?.ms ?? 0) : 0));
    }
    return end;
  }

  /** After `cue` fired at `firedAt`: its continue, if any, as a step. */
  function continueAfter(cue: Cue, firedAt: number): void {
    const show = store().get();
    const s = cueSettings(cue);
    if (s.continue === 'none') return;
    const next = show.cues[cueAt(show, cue.id) + 1];
    if (!next) return;
    const dueAt = s.continue === 'auto-continue' ? firedAt + s.postWaitMs : Math.max(firedAt + s.postWaitMs, actionEnd(show, cue, firedAt));
    add({ kind: 'go', cueId: next.id, phase: s.continue === 'auto-continue' ? 'post-wait' : 'follow', afterCueId: cue.id, startedAt: firedAt, dueAt });
    persistOrSay(`the ${s.continue} from cue '${cue.id}' to '${next.id}'`);
  }

  /** Fires a cue now, keeping the standby where it is (a step of a running sequence). */
  function fire(cue: Cue, at: number): void {
    const s = store();
    const res = s.dispatch({ type: 'cue.go', cueId: cue.id, standby: s.get().cueStandby }, 'cue');
    if (!res.ok) {
      const message = `cue '${cue.id}' (${cue.name}) could not fire after its wait: ${res.error.message}; the sequence stopped there`;
      logger.warn({ cueId: cue.id, error: res.error }, `cues: ${message}`);
      opts.notify(message);
      return;
    }
    continueAfter(cue, at);
  }

  function run(step: CueStep): void {
    const show = store().get();
    const cue = show.cues[cueAt(show, step.cueId)];
    if (!cue) {
      opts.notify(`cue '${step.cueId}' was deleted during its wait; the sequence stopped there`);
      return;
    }
    if (step.kind === 'fire') return fire(cue, step.dueAt);
    const pre = cueSettings(cue).preWaitMs;
    if (pre > 0) {
      add({ kind: 'fire', cueId: cue.id, phase: 'pre-wait', afterCueId: step.afterCueId, startedAt: step.dueAt, dueAt: step.dueAt + pre });
      persistOrSay(`the pre-wait of cue '${cue.id}'`);
    } else fire(cue, step.dueAt);
  }

  function tick(): void {
    if (!inner) return;
    let ran = false;
    for (let guard = 0; guard < 1000; guard++) {
      const step = steps[0];
      if (!step || step.dueAt > time()) break;
      steps = steps.slice(1);
      persistOrSay(`the end of a wait of cue '${step.cueId}'`); // before it runs: at most once
      ran = true;
      try {
        run(step);
      } catch (e) {
        logger.warn({ err: e, step }, `cues: a step of cue '${step.cueId}' failed`);
      }
    }
    if (ran) changed();
    else arm();
  }

  function arm(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    const next = steps[0];
    if (!running || !next) return;
    // Capped, so that a long wait is checked again now and then against the show clock.
    timer = setTimeout(() => tick(), Math.min(1000, Math.max(0, next.dueAt - time())));
    timer.unref?.();
  }

  /** A GO from outside (any source): runs the cue's pre-wait and continues; a cue with neither passes as it came. */
  function go(raw: unknown, source: Parameters<ShowStore['dispatch']>[1]): Ack<{ version: number }> {
    const s = store();
    const parsed = Command.safeParse(raw);
    if (!parsed.success || parsed.data.type !== 'cue.go') return s.dispatch(raw, source);
    const show = s.get();
    const index = parsed.data.cueId === undefined ? show.cueStandby : cueAt(show, parsed.data.cueId);
    const cue = show.cues[index];
    if (!cue) return s.dispatch(raw, source); // refused there, with the reason
    const settings = cueSettings(cue);
    if (settings.preWaitMs === 0 && settings.continue === 'none') return s.dispatch(raw, source);
    const now = time();
    const standby = parsed.data.standby ?? afterChain(show, index);
    if (settings.preWaitMs === 0) {
      const res = s.dispatch({ type: 'cue.go', cueId: cue.id, standby }, source);
      if (res.ok) {
        continueAfter(cue, now);
        changed();
      }
      return res;
    }
    const step = add({ kind: 'fire', cueId: cue.id, phase: 'pre-wait', afterCueId: null, startedAt: now, dueAt: now + settings.preWaitMs });
    const undo = () => void (steps = steps.filter((x) => x.id !== step.id));
    try {
      persist();
    } catch (e) {
      undo();
      logger.warn({ err: e }, `cues: the pre-wait of cue '${cue.id}' could not be saved`);
      return fail('internal', `GO was not run: the pre-wait of cue '${cue.id}' could not be saved to the data directory (${(e as NodeJS.ErrnoException).code ?? 'error'}); check disk space and permissions, then retry`);
    }
    // The standby moves now, as QLab's playhead does at GO; the cue fires when its pre-wait ends.
    const res = s.dispatch({ type: 'cue.standby', cueId: show.cues[standby]?.id ?? null }, source);
    if (!res.ok) {
      undo();
      persistOrSay('the pre-wait refused');
      return res;
    }
    changed();
    return res;
  }

  function stopAll(): Ack<{ version: number }> | null {
    if (!steps.length) return null;
    const stopped = steps;
    steps = [];
    changed();
    try {
      persist();
    } catch (e) {
      logger.warn({ err: e }, 'cues: the stop could not be saved');
      return fail('internal', `the waits stopped, but that could not be saved to the data directory (${(e as NodeJS.ErrnoException).code ?? 'error'}): after a restart they would resume; check disk space and permissions, then stop again`);
    }
    logger.info({ steps: stopped.map((s) => s.cueId) }, `cues: ${stopped.length} running wait(s) stopped`);
    return null;
  }

  function start(): void {
    if (running) return;
    running = true;
    const state = memory.load();
    if (state) {
      seq = Math.max(seq, state.seq);
      const now = time();
      const kept = state.steps.filter((s) => s.dueAt >= now - grace);
      const lost = state.steps.filter((s) => s.dueAt < now - grace);
      steps = [...kept].sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
      const what = (s: CueStep) => `cue '${s.cueId}' (${s.phase}, due ${clockTime(s.dueAt)} UTC)`;
      if (lost.length) {
        const message = `the server restarted during a cue sequence: ${lost.map(what).join(', ')} ended while it was down, so ${lost.length === 1 ? 'it was' : 'they were'} stopped and nothing of ${lost.length === 1 ? 'it' : 'them'} ran; GO by hand if still wanted`;
        logger.warn({ lost }, `cues: ${message}`);
        opts.notify(message);
      }
      if (kept.length) {
        const message = `the cue sequence resumed after a restart: ${kept.map((s) => `${what(s)} in ${Math.max(0, Math.round((s.dueAt - now) / 1000))} s`).join(', ')}`;
        logger.info({ kept }, `cues: ${message}`);
        opts.notify(message);
      }
      if (lost.length) persistOrSay('the stopped sequence');
    }
    changed();
    tick();
  }

  return {
    wrap(s) {
      inner = s;
      return {
        ...s,
        dispatch(raw, source) {
          const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
          if (type === 'cue.go') return go(raw, source);
          if (type === 'cue.stop') {
            const res = s.dispatch(raw, source); // validated and heard by the log like any command
            return res.ok ? (stopAll() ?? res) : res;
          }
          return s.dispatch(raw, source);
        },
      };
    },
    start,
    tick,
    waits: () => steps.map(({ id, cueId, phase, afterCueId, startedAt, dueAt }) => ({ id, cueId, phase, afterCueId, startedAt, dueAt })),
    onChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
