/**
 * The sound guard: sheds a screen's sound when its sound is what starves the screen.
 *
 * Chromium renders Web Audio on a real-time thread where it may (as root, or granted by RTKit). A
 * sound graph that costs near a core per callback then takes its core from everything else in the
 * process and on the machine: the page's main thread, the GPU process, the server on the same box.
 * A soak of 16 screens on 2 cores saw two sounding screens' audio threads take 145–230 % of the two
 * cores for the last 35 minutes of an hour (docs/performance.md, session 28), and in session 18 a
 * graph rendered slower than real time did the same. Nothing but the sound can be given up there:
 * a starved page cannot release its old sound graphs (its timers do not run), so it never recovers.
 *
 * The signal is the page's own time, measured off the main thread (a worker's one-second ticks,
 * starve-ticker.ts): a page whose main thread is busy with its own long task is not starved, a page
 * whose process gets no CPU is. A starved page may be starved by anything (software GL, another
 * process), so the guard does not assume its sound is the cause; it tries:
 *  1. Starved (own time under STARVED of the wall clock over WINDOW_MS) while its sound runs: the
 *     sound is shed for a probe (the audio context suspended, the pieces given no sound runtime, so
 *     they release their sound graphs).
 *  2. If the page then gets its time back (RECOVERED, and at least twice what it had), the sound was
 *     the cause: it stays shed for a hold (HOLDS_MS, longer each time it happens again), then comes
 *     back. If not, the sound was not the cause: it comes back at once, and the guard does not try
 *     again for COOLDOWN_MS.
 * Every shed is counted and reported (the screen's health, the panel's card).
 */

/** What the guard drives: the page's sound engine. */
export interface GuardedSound {
  /** Whether sound is playing now (the context runs and is not shed). */
  playing(): boolean;
  /** Sheds the sound (suspends it, releases the pieces' sound) or brings it back. */
  shed(on: boolean): void;
}

export const SOUND_GUARD = {
  /** How much wall-clock time the starvation is judged over (ms). */
  WINDOW_MS: 10_000,
  /** Own time under this share of the wall clock: starved. */
  STARVED: 0.25,
  /** How long the probe (sound shed) runs before it is judged (ms of wall clock). */
  PROBE_MS: 5_000,
  /** Own time over this share during the probe (and at least twice what it was): the sound was the cause. */
  RECOVERED: 0.6,
  /** How long the sound stays shed, the first time and each time again (the last one repeats). */
  HOLDS_MS: [60_000, 180_000, 600_000] as readonly number[],
  /** After a probe that showed the sound was not the cause: no probe for this long (ms). */
  COOLDOWN_MS: 300_000,
  /** Sound back for this long without another shed: the next hold is the first one again (ms). */
  FORGIVE_MS: 1_800_000,
  /** The worker's tick (ms): own time counts at most this much per tick. */
  TICK_MS: 1_000,
};

export type GuardState = 'playing' | 'probing' | 'shed';

/** What the guard says of itself (the screen's health, DisplayHealth.sound). */
export interface GuardReport {
  state: GuardState;
  /** Times the sound was shed (a probe that showed it was the cause) since the page loaded. */
  sheds: number;
  /** While shed: seconds until the sound comes back. */
  backInS?: number;
}

interface Sample {
  wall: number;
  own: number;
}

export class SoundGuard {
  state: GuardState = 'playing';
  sheds = 0;
  private samples: Sample[] = [];
  private level = 0;
  private before = 0;
  private skip = 0;
  private until = 0;
  private cooldownUntil = 0;
  private playingSince: number;

  constructor(
    private readonly sound: GuardedSound,
    /** Told of every change of state, with why (logged by the page, reported in its health). */
    private readonly told: (state: GuardState, why: string) => void = () => {},
    now = 0,
    private readonly cfg = SOUND_GUARD,
  ) {
    this.playingSince = now;
  }

  /** A worker tick that came `wallMs` after the previous one, received at `now` (monotonic ms). */
  tick(wallMs: number, now: number): void {
    if (!(wallMs >= 0)) return;
    if (this.skip > 0) {
      this.skip--; // it straddles the change of state: it says nothing of the sound's part
    } else if (this.state !== 'shed') {
      this.samples.push({ wall: wallMs, own: Math.min(wallMs, this.cfg.TICK_MS) });
    }
    if (this.state === 'shed') {
      if (now >= this.until) this.back(now, 'the hold is over');
      return;
    }
    if (this.state === 'playing') {
      if (now - this.playingSince >= this.cfg.FORGIVE_MS) this.level = 0;
      const r = this.ratio(this.cfg.WINDOW_MS);
      if (r === null || r >= this.cfg.STARVED || now < this.cooldownUntil || !this.sound.playing()) return;
      this.before = r;
      this.enter('probing', now, `the page had ${pct(r)} of its time over ${this.cfg.WINDOW_MS / 1000} s while its sound played: sound shed to see whether it is the cause`);
      this.sound.shed(true);
      return;
    }
    // probing
    const r = this.ratio(this.cfg.PROBE_MS);
    if (r === null) return;
    if (r >= this.cfg.RECOVERED && r >= 2 * this.before) {
      const hold = this.cfg.HOLDS_MS[Math.min(this.level, this.cfg.HOLDS_MS.length - 1)]!;
      this.level++;
      this.sheds++;
      this.until = now + hold;
      this.enter('shed', now, `without its sound the page got ${pct(r)} of its time back (${pct(this.before)} before): the sound was starving it, shed for ${Math.round(hold / 1000)} s`);
    } else {
      this.cooldownUntil = now + this.cfg.COOLDOWN_MS;
      this.back(now, `without its sound the page still had ${pct(r)} of its time: not the sound's doing; sound back, no new try for ${Math.round(this.cfg.COOLDOWN_MS / 1000)} s`);
    }
  }

  report(now: number): GuardReport {
    return { state: this.state, sheds: this.sheds, ...(this.state === 'shed' ? { backInS: Math.max(0, Math.ceil((this.until - now) / 1000)) } : {}) };
  }

  /** Own time over wall time for the last `ms` of samples; null until that much wall time is held. */
  private ratio(ms: number): number | null {
    let wall = 0;
    let own = 0;
    for (const s of this.samples) {
      wall += s.wall;
      own += s.own;
    }
    // The oldest go once the rest still cover the window.
    while (this.samples.length > 1 && wall - this.samples[0]!.wall >= ms) {
      const s = this.samples.shift()!;
      wall -= s.wall;
      own -= s.own;
    }
    return wall >= ms ? own / wall : null;
  }

  private back(now: number, why: string): void {
    this.enter('playing', now, why);
    this.playingSince = now;
    this.sound.shed(false);
  }

  private enter(state: GuardState, _now: number, why: string): void {
    this.state = state;
    this.samples = [];
    this.skip = 1;
    this.told(state, why);
  }
}

function pct(r: number): string {
  return `${Math.round(r * 100)} %`;
}
