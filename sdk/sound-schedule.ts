import type { ShowTime, SoundRuntime } from './runtime';

/**
 * One tick of a show-time sound schedule: what to schedule now, in piece seconds (the clock
 * `useShowTime().seconds` counts). Consecutive windows touch and never overlap, so a step scheduled
 * from `steps()` or admitted by `once()` is scheduled once, never twice.
 */
export interface SoundWindow {
  /**
   * Schedule what starts in [from, to): piece seconds. `to` is `now` plus the lookahead (in the
   * pre-roll window, the pre-roll: see SoundScheduleOptions.preroll).
   */
  from: number;
  to: number;
  /**
   * Piece seconds now, read through the audio clock (it runs on between frames). In the pre-roll
   * window, handed out once before the piece's start while it warms off-screen: 0, the start.
   */
  now: number;
  /** The audio context's current time (s); in the pre-roll window, the audio time of the start. */
  audioNow: number;
  /** The audio time (s) of a piece second, drift-corrected: pass it to Tone's triggerAttack… */
  at(sec: number): number;
  /** The audio time of a piece second, or `margin` seconds from now if that has passed. */
  asap(sec: number, margin?: number): number;
  /** The indices k of the grid k × period (+ offset) that fall in this window: each k once, ever. */
  steps(period: number, offset?: number): number[];
  /**
   * True once per key, in the first window where `sec` is due (before `to`), unless it is already
   * more than `late` seconds old (it is then skipped for good). For events that arrive on their
   * own (a visitor's press, a word): use a stable key, e.g. the event object or an id string.
   */
  once(key: unknown, sec: number, late?: number): boolean;
}

/** The clocks a schedule reads: a SoundRuntime and the audio context's current time. */
export interface SoundClock {
  audioTime(showMs: number): number;
  audioNow(): number;
}

export interface SoundScheduleOptions {
  /** How far ahead to schedule, in seconds (default 0.25). Longer survives a busy main thread. */
  lookahead?: number;
  /** How often to tick, in ms (default 50). Keep it well under the lookahead. */
  interval?: number;
  /**
   * Seconds of the piece's beginning scheduled ahead, before its start (default the larger of 1 s
   * and twice the lookahead). A screen builds the next piece off-screen and silent before its
   * start; there the scheduler hands `step` one window, [0, preroll), as the tick at the start
   * would see it (`now` 0, `audioNow` the start's audio time), so the notes of the first second
   * (and the voices they need: every note makes audio nodes) are made during the warm-up, not in
   * the frames around the switch. Other ticks before the start do nothing. 0: no pre-roll; ticks
   * before the start then get windows of negative piece seconds, as after it.
   */
  preroll?: number;
  /** Schedules the notes of one window; runs every tick while the wall plays (not while paused). */
  step(window: SoundWindow): void;
  /** Names the piece in the warning logged when a step throws (the first time only). */
  name?: string;
}

export interface SoundScheduler {
  /** Runs one tick now (the timer calls it; tests call it by hand). */
  tick(): void;
}

const DEFAULT_LATE = 0.15;
/** How long a key given to once() is remembered after it is too late to be admitted again. */
const FORGET_AFTER = 10;

/**
 * The pure core of scheduleByShowTime: no timers, no Tone. Each tick reads the show time of the
 * last frame and the audio clock, and hands `step` the next window of piece seconds.
 */
export function createSoundScheduler(time: Readonly<ShowTime>, clock: SoundClock, options: SoundScheduleOptions): SoundScheduler {
  const lookahead = options.lookahead ?? 0.25;
  const preroll = Math.max(0, options.preroll ?? Math.max(1, 2 * lookahead));
  let until = -Infinity;
  const seen = new Map<unknown, number>();
  let warned = false;

  const run = () => {
    if (time.paused) return;
    const audioNow = clock.audioNow();
    const audioOfFrame = clock.audioTime(time.now);
    const realNow = time.seconds + (audioNow - audioOfFrame);
    const at = (sec: number) => clock.audioTime(time.now + (sec - time.seconds) * 1000);
    // Before the start (the piece warming off-screen): one window, the pre-roll, read as from the start.
    const early = realNow < 0 && preroll > 0;
    if (early && until > -Infinity) return;
    const now = early ? 0 : realNow;
    const audioNowSeen = early ? Math.max(audioNow, at(0)) : audioNow;
    const from = early ? 0 : Math.max(until, now);
    const to = early ? preroll : Math.max(from, now + lookahead);
    const window: SoundWindow = {
      from,
      to,
      now,
      audioNow: audioNowSeen,
      at,
      asap: (sec, margin = 0.005) => Math.max(at(sec), audioNowSeen + margin),
      steps(period, offset = 0) {
        if (!(period > 0)) throw new Error(`steps(period): the period must be a positive number of seconds, not ${period}`);
        const out: number[] = [];
        // Integer bounds shared by consecutive windows: each k lands in exactly one of them.
        for (let k = Math.ceil((from - offset) / period); k < Math.ceil((to - offset) / period); k++) out.push(k);
        return out;
      },
      once(key, sec, late = DEFAULT_LATE) {
        if (seen.has(key) || sec >= to || sec < now - late) return false;
        seen.set(key, sec + late + FORGET_AFTER);
        return true;
      },
    };
    until = to; // first: a step that throws loses the rest of its window, never plays it twice
    options.step(window);
    for (const [key, expires] of seen) if (expires < now) seen.delete(key);
  };

  return {
    tick() {
      try {
        run();
      } catch (e) {
        // A scheduling hiccup must never take the picture down: skip this tick, say so once.
        if (!warned) console.warn(`${options.name ?? 'piece'}: sound scheduling failed`, e);
        warned = true;
      }
    },
  };
}

/**
 * Schedules a piece's sound from show time, for useSound: every `interval` ms, `step` gets the
 * next window of piece seconds to schedule on the audio clock (`window.at(sec)`), so every
 * speaker of the wall plays on the picture's beat. Nothing is scheduled twice; nothing runs while
 * the wall is paused. Returns the function that stops it (call it before releaseLater).
 */
export function scheduleByShowTime(sound: SoundRuntime, time: Readonly<ShowTime>, options: SoundScheduleOptions): () => void {
  const ctx = sound.Tone.getContext();
  const scheduler = createSoundScheduler(time, { audioTime: (ms) => sound.audioTime(ms), audioNow: () => ctx.currentTime }, options);
  scheduler.tick();
  const timer = setInterval(() => scheduler.tick(), options.interval ?? 50);
  return () => clearInterval(timer);
}
