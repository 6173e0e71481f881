import { pieceTimeAt, type Timing } from './timeline';

/** How a run comes in over the one before it. */
export interface TransitionSpec {
  type: 'fade' | 'crossfade';
  ms: number;
}

/** What window.__pavilion.transition reports while a transition runs or is held by a pause. */
export interface TransitionInfo {
  from: string | null;
  to: string | null;
  type: TransitionSpec['type'];
  /** 0..1, from show time: the same on every screen of the wall. */
  progress: number;
}

/**
 * The transition's progress at a frame of show time `showTime`: the incoming run's own time (frozen
 * at a pause, held time left out) over the transition's length. Pure, so every screen agrees.
 */
export function transitionProgress(spec: TransitionSpec, incoming: Timing, showTime: number): number {
  if (spec.ms <= 0) return 1;
  const t = pieceTimeAt(incoming, showTime);
  return Math.min(1, Math.max(0, (t.seconds * 1000) / spec.ms));
}

/**
 * How the two pieces mix at `progress`. Picture: `opacity` is the incoming picture's opacity over
 * the outgoing one (crossfade), `black` the black veil's (fade: out to black, then in from black),
 * `show` which piece(s) must render. Sound: equal-power gains for a crossfade, the picture's
 * envelope for a fade, so nothing clicks and the loudness holds.
 */
export function mixAt(type: TransitionSpec['type'], progress: number) {
  const p = Math.min(1, Math.max(0, progress));
  if (type === 'fade') {
    const first = p < 0.5;
    return {
      show: first ? ('outgoing' as const) : ('incoming' as const),
      opacity: first ? 0 : 1,
      black: first ? p * 2 : (1 - p) * 2,
      gainOut: Math.max(0, 1 - 2 * p),
      gainIn: Math.max(0, 2 * p - 1),
    };
  }
  return {
    show: 'both' as const,
    opacity: p,
    black: 0,
    gainOut: Math.cos((p * Math.PI) / 2),
    gainIn: Math.sin((p * Math.PI) / 2),
  };
}
