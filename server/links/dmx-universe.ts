/**
 * One DMX universe's 512 channels, as the sender computes them on the show clock (pure: no
 * sockets, no timers; server/links/dmx-engine.ts drives it). Three layers, top wins:
 * - the blackout scene: while show.blackout is on, its channels cross-fade to the scene's values;
 * - live values a wall's piece writes (useLights), for as long as they keep coming (LIVE_MS);
 * - the held values of dmx.set, each a fade from where it was to its target.
 */

/** A linear fade on the show clock. */
export interface Fade {
  from: number;
  to: number;
  /** Show time (ms) the fade starts. */
  start: number;
  /** Its length in ms (0: a step). */
  dur: number;
}

/** The fade's value at show time `t` (unrounded): `from` before it starts, `to` from its end (a step: from its start). */
export function fadeAt(f: Fade, t: number): number {
  if (t < f.start) return f.from;
  if (f.dur <= 0 || t >= f.start + f.dur) return f.to;
  return f.from + ((f.to - f.from) * (t - f.start)) / f.dur;
}

/** Whether the fade still moves after show time `t`. */
export const moving = (f: Fade, t: number): boolean => f.dur > 0 && t < f.start + f.dur && f.from !== f.to;

/** Live values of a piece older than this are dropped (the piece stopped, or its screen went). */
export const LIVE_MS = 1000;

export const CHANNELS = 512;

interface Live {
  value: number;
  at: number;
  /** The wall whose piece wrote it. */
  wallId: string;
}

export class Universe {
  /** Held values: a fade per channel (index 0 = channel 1), or null (released: 0). */
  private readonly base: (Fade | null)[] = new Array<Fade | null>(CHANNELS).fill(null);
  private readonly live = new Map<number, Live>();
  /** The blackout scene's values by channel index, and its weight (0: not applied, 1: fully). */
  private scene = new Map<number, number>();
  private weight: Fade = { from: 0, to: 0, start: 0, dur: 0 };
  private blackoutOn = false;

  /** Channel `ch` (1..512) fades from its present held value to `to` over `dur` from `start`. */
  set(ch: number, to: number, start: number, dur: number): void {
    const prev = this.base[ch - 1];
    const from = prev ? Math.round(fadeAt(prev, start)) : 0;
    this.base[ch - 1] = { from, to, start, dur };
  }

  /** Restores held values at once (a restart). */
  restore(values: Record<string, number>, t: number): void {
    for (const [k, v] of Object.entries(values)) this.base[Number(k) - 1] = { from: v, to: v, start: t, dur: 0 };
  }

  /** Lets go of channels (all without a list): they go to 0. */
  release(channels: number[] | null): void {
    if (!channels) this.base.fill(null);
    else for (const ch of channels) this.base[ch - 1] = null;
  }

  /** A piece's value (0..255) for channel `ch`. */
  setLive(ch: number, value: number, t: number, wallId: string): void {
    this.live.set(ch - 1, { value, at: t, wallId });
  }

  /** The piece of `wallId` no longer writes channel `ch`. */
  dropLive(ch: number, wallId: string): void {
    if (this.live.get(ch - 1)?.wallId === wallId) this.live.delete(ch - 1);
  }

  /** Show blackout on or off with this universe's part of the scene, cross-fading over `dur`. */
  blackout(on: boolean, scene: Record<string, number>, t: number, dur: number): void {
    const w = fadeAt(this.weight, t);
    if (on) this.scene = new Map(Object.entries(scene).map(([k, v]) => [Number(k) - 1, v]));
    this.blackoutOn = on;
    this.weight = { from: w, to: on && this.scene.size ? 1 : 0, start: t, dur };
  }

  /** The 512 values at show time `t` (live values older than LIVE_MS are dropped first). */
  frame(t: number, out: Uint8Array = new Uint8Array(CHANNELS)): Uint8Array {
    for (const [i, l] of this.live) if (t - l.at > LIVE_MS) this.live.delete(i);
    const w = fadeAt(this.weight, t);
    if (w === 0 && !this.blackoutOn) this.scene.clear();
    for (let i = 0; i < CHANNELS; i++) {
      const b = this.base[i];
      const l = this.blackoutOn ? undefined : this.live.get(i);
      const under = l ? l.value : b ? fadeAt(b, t) : 0;
      const s = this.scene.get(i);
      out[i] = Math.round(s === undefined ? under : under + (s - under) * w);
    }
    return out;
  }

  /** Whether anything moves after `t` (a fade, the blackout cross-fade): then frames go out at the fade rate. */
  busy(t: number): boolean {
    if (moving(this.weight, t)) return true;
    for (const b of this.base) if (b && moving(b, t)) return true;
    return false;
  }

  /** Whether a fade ended or a live value expired after `since` and at or before `t`: a frame must show where it landed. */
  changedBetween(since: number, t: number): boolean {
    const ends = (f: Fade) => f.dur > 0 && f.start + f.dur > since && f.start + f.dur <= t;
    if (ends(this.weight)) return true;
    for (const b of this.base) if (b && ends(b)) return true;
    for (const l of this.live.values()) if (l.at + LIVE_MS > since && l.at + LIVE_MS <= t) return true;
    return false;
  }

  /** Whether the universe holds anything (held values, live values, the scene): else it may go quiet. */
  holds(t: number): boolean {
    if (this.base.some((b) => b !== null)) return true;
    for (const l of this.live.values()) if (t - l.at <= LIVE_MS) return true;
    return this.blackoutOn || fadeAt(this.weight, t) > 0;
  }
}
