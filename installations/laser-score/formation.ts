import { SCORE, stepSeconds, type Step } from './score';

/** What the score asks of the lasers at one instant. Everything is a closed-form function of time. */
export interface Moment {
  /** Global step index (not wrapped) and phase within it. */
  step: number;
  phase: number;
  info: Step;
  /** Seconds since the last lead note / kick. */
  sinceLead: number;
  sinceKick: number;
  /** Loops of the whole arrangement completed (slow evolution). */
  loop: number;
}

export function momentAt(timeline: Step[], seconds: number, bpm: number): Moment {
  const dt = stepSeconds(bpm);
  const t = Math.max(0, seconds) / dt;
  const step = Math.floor(t);
  const phase = t - step;
  const n = timeline.length;
  const info = timeline[step % n] as Step;
  return {
    step, phase, info,
    sinceLead: (info.leadAgo + phase) * dt,
    sinceKick: (info.kickAgo + phase) * dt,
    loop: Math.floor(step / n),
  };
}

/** Per-emitter aim, written by `aimEmitters` (angles in radians from vertical, + leans right). */
export interface EmitterAim {
  angle: number;
  spread: number;
  bright: number;
  /** Palette index (fractional: blends two colours). */
  color: number;
}

const hash = (n: number) => {
  const s = Math.sin(n * 127.1 + 311.7) * 43758.5453;
  return s - Math.floor(s);
};

/**
 * Aims every emitter for the moment `m`. `xs` are the emitters' x positions in [-1, 1] across
 * the wall; `seconds` is show time; `wallH/wallW` give the focus point of the tunnel look.
 */
export function aimEmitters(m: Moment, seconds: number, xs: number[], wallW: number, wallH: number, out: EmitterAim[]): void {
  const { info } = m;
  const leadEnv = Math.exp(-m.sinceLead * 5);
  const kickEnv = Math.exp(-m.sinceKick * 9);
  // Pitch of the last lead note, normalised around the key (about -0.3 .. 1).
  const pitch = (info.lastLead - (SCORE.key + 12)) / 14;
  const cut = info.cut + info.section * 7;
  const barPhase = ((m.step % SCORE.stepsPerBar) + m.phase) / SCORE.stepsPerBar;
  const colorBase = info.bar + info.section + m.loop;
  const E = xs.length;
  for (let e = 0; e < E; e++) {
    const x = xs[e] ?? 0;
    const side = x < 0 ? -1 : 1;
    const a = out[e] as EmitterAim;
    a.color = colorBase + (e % 3) * 0.5;
    switch (info.look) {
      case 'sheet': {
        // Narrow fans (sheets of light) that lean in or out on each note, breathing slowly.
        const inward = cut % 2 === 0 ? -1 : 1;
        a.angle = inward * side * (0.18 + 0.32 * pitch) + 0.08 * Math.sin(seconds * 0.35 + e * 1.7);
        a.spread = 0.16 + 0.06 * Math.sin(seconds * 0.21 + e);
        a.bright = 0.35 + 0.65 * leadEnv;
        break;
      }
      case 'fan': {
        // Wide fans; each note lights a different subset of emitters.
        const on = (e + cut) % 3 !== 0 || kickEnv > 0.6;
        a.angle = 0.12 * Math.sin(cut * 2.1 + e) + 0.05 * Math.sin(seconds * 0.5);
        a.spread = 0.9 + 0.5 * pitch;
        a.bright = on ? 0.3 + 0.45 * leadEnv + 0.4 * kickEnv : 0.04;
        break;
      }
      case 'scan': {
        // Parallel curtains sweeping across the wall once a bar, emitters in step.
        const sweep = Math.sin(2 * Math.PI * barPhase) * 0.75;
        a.angle = sweep + (hash(cut) - 0.5) * 0.05;
        a.spread = 0.12 + 0.25 * leadEnv;
        a.bright = 0.3 + 0.5 * leadEnv + 0.3 * kickEnv;
        break;
      }
      case 'tunnel': {
        // Everything converges on one point drifting high on the wall.
        const fx = wallW * 0.32 * Math.sin(seconds * 0.23) + wallW * 0.08 * Math.sin(seconds * 0.61);
        const fy = wallH * (0.25 + 0.12 * Math.sin(seconds * 0.31));
        const ex = x * wallW * 0.5;
        const ey = -wallH * 0.5;
        a.angle = Math.atan2(fx - ex, fy - ey);
        a.spread = 0.004 + 0.12 * leadEnv;
        a.bright = 0.35 + 0.5 * leadEnv;
        break;
      }
      case 'cross': {
        // Crossing beams that jump on every note, flashing on the kick.
        const jump = hash(cut + e * 0.13);
        a.angle = -side * (0.25 + 0.55 * jump) * (cut % 2 === 0 ? 1 : -0.6);
        a.spread = 0.2 + 0.3 * hash(cut * 3.1);
        a.bright = 0.15 + 0.5 * leadEnv + 0.7 * kickEnv;
        break;
      }
    }
  }
}
