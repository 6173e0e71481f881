/**
 * Where every echo is, as a closed-form function of (piece seconds - the word's birth) and the
 * word's hash. No state: every screen of the wall computes the same picture.
 */
import { hashString } from 'pavilion/sdk';
import { AMBIENT_WORDS } from './words';

export interface WordSpec {
  /** Stable React key. */
  key: string;
  text: string;
  /** Piece seconds at which the word arrived. */
  birth: number;
  seed: number;
  /** Visitor colour (linear rgb), or null for the wall's own words. */
  color: [number, number, number] | null;
  visitor: boolean;
}

export interface Timing {
  /** Seconds between two echoes. */
  delay: number;
  /** Decay time constant of one echo. */
  echoLife: number;
  count: number;
  decay: number;
  /** Seconds from a word's birth until its last echo has faded. */
  total: number;
  /** Seconds between two of the wall's own words. */
  interval: number;
}

export function timing(speed: number, count: number, decay: number): Timing {
  const s = Math.max(0.05, speed);
  const delay = 0.6 / s;
  const echoLife = 2.4 / s;
  return { delay, echoLife, count, decay, total: (count - 1) * delay + echoLife * 3.6 + 1.5, interval: 2.0 / s };
}

/** The wall's own words alive at `t`, skipping those that would talk over a visitor. */
export function ambientWords(t: number, baseSeed: number, tm: Timing, visitorBirths: number[]): WordSpec[] {
  const out: WordSpec[] = [];
  // Negative indices too: at the first frame the wall is already mid-conversation.
  const first = Math.floor((t - tm.total) / tm.interval) - 1;
  const last = Math.floor(t / tm.interval);
  for (let i = first; i <= last; i++) {
    const h = hashString(`ambient:${i}`, baseSeed);
    const birth = (i + 0.35 * ((h & 0xffff) / 0xffff)) * tm.interval;
    if (birth > t || t - birth > tm.total) continue;
    if (visitorBirths.some((b) => birth - b >= 0 && birth - b < 6)) continue;
    const text = AMBIENT_WORDS[h % AMBIENT_WORDS.length] ?? 'echo';
    out.push({ key: `a${i}`, text, birth, seed: hashString(text, h), color: null, visitor: false });
  }
  return out;
}

export interface EchoState {
  x: number;
  y: number;
  size: number;
  opacity: number;
  /** 0..1: how much of the word is revealed left to right. */
  reveal: number;
  /** 0..1: the height of the horizontal band still visible (1 = whole word). */
  band: number;
  /** Seconds since this echo sounded (negative: not yet). */
  age: number;
}

const unit = (h: number, shift: number) => ((h >>> shift) & 0xff) / 255;

/** Folds x back inside [-m, m], like a sound reflecting off the wall's ends. */
function reflect(x: number, m: number): number {
  const p = 4 * m;
  const u = (((x + m) % p) + p) % p;
  return u < 2 * m ? u - m : 3 * m - u;
}

export function echoState(w: WordSpec, j: number, t: number, tm: Timing, W: number, H: number, out: EchoState): EchoState {
  const h = w.seed;
  const age = t - w.birth - j * tm.delay;
  out.age = age;
  const margin = Math.min(W * 0.2, H * 0.9);
  const x0 = (unit(h, 0) - 0.5) * (W - 2 * margin);
  const y0 = (unit(h, 8) * 0.5 - 0.18) * H;
  const firstSide = unit(h, 16) < 0.5 ? -1 : 1;
  const side = j === 0 ? 0 : (j % 2 === 1 ? 1 : -1) * firstSide;
  const n = Math.ceil(j / 2);
  const sx = Math.min(W * 0.13, H * 0.75);
  const travel = Math.max(0, age) * H * 0.09 * (tm.delay > 0 ? 0.6 / tm.delay : 1);
  out.x = reflect(x0 + side * (n * sx + travel), W * 0.5 - H * 0.35);
  out.y = y0 + (j === 0 ? 0 : (j % 2 === 1 ? -1 : 1) * n * H * 0.055) + Math.sin(t * 0.4 + j + unit(h, 24) * 6) * H * 0.015;
  out.size = (w.visitor ? 0.2 : 0.13) * H * Math.pow(0.9, j);
  // A visitor's own word lands at once, whole (they must see it within a frame); echoes fade in.
  const primary = w.visitor && j === 0;
  const fadeIn = primary ? 1 : Math.min(1, Math.max(0, age / 0.12));
  const hold = w.visitor && j === 0 ? 1.5 : 0.3;
  const fade = age < hold ? 1 : Math.exp(-(age - hold) / tm.echoLife);
  out.opacity = age < 0 ? 0 : fadeIn * fade * Math.pow(tm.decay, j) * (w.visitor ? 1 : 0.9);
  out.reveal = primary ? 1 : Math.min(1, Math.max(0, age / 0.3));
  out.band = Math.min(1, out.opacity * 6 + 0.15);
  return out;
}
