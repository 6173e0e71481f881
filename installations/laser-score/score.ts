/**
 * The score of Laser Score: one deterministic sequence, written as data. The picture and the
 * sound are both computed from it, so every beam cut lands on a note.
 *
 * Patterns are 16 sixteenth-note steps per bar. Melodic tokens are scale degrees of A natural
 * minor, counted from the root of the bar's chord ('.' is a rest). The arrangement loops.
 */

export type Look = 'sheet' | 'fan' | 'scan' | 'tunnel' | 'cross';

export interface Section {
  look: Look;
  /** Chord root of each bar, as a scale degree (0 = A, -2 = F, 2 = C, -1 = G). */
  bars: number[];
  kick: string;
  hat: string;
  bass: string;
  lead: string;
  /** Sustained chord at the start of each bar. */
  pad: boolean;
}

export const SCORE = {
  /** MIDI note of the key's root (A3). */
  key: 57,
  scale: [0, 2, 3, 5, 7, 8, 10],
  stepsPerBeat: 4,
  stepsPerBar: 16,
  sections: {
    intro: {
      look: 'sheet', bars: [0, -2, 2, -1], pad: true,
      kick: '................',
      hat: '................',
      bass: '0 . . . . . . . . . . . . . . .',
      lead: '0 . . . . . 4 . . . 2 . . . . .',
    },
    groove: {
      look: 'fan', bars: [0, -2, 2, -1], pad: false,
      kick: 'x...x...x...x...',
      hat: '..x...x...x...x.',
      bass: '0 . 0 . . . 0 . 0 . . 0 . . 4 .',
      lead: '0 . . 4 . . 7 . . 4 . . 9 . 7 .',
    },
    scan: {
      look: 'scan', bars: [2, -1, 0, 0], pad: true,
      kick: 'x.......x.......',
      hat: '..x.x.x...x.x.xx',
      bass: '0 . . . . . . . 0 . . . 4 . . .',
      lead: '0 . 2 . 4 . 7 . 9 . 7 . 4 . 2 .',
    },
    tunnel: {
      look: 'tunnel', bars: [-2, -1, 0, 0], pad: true,
      kick: '................',
      hat: '..............x.',
      bass: '. . . . . . . . . . . . . . . .',
      lead: '4 . . . . . . . 2 . . . . . . .',
    },
    drop: {
      look: 'cross', bars: [0, -2, 2, -1], pad: false,
      kick: 'x...x...x...x...',
      hat: '.xx..xx..xx..xxx',
      bass: '0 0 . 0 0 . 0 0 . 0 0 . 0 . 4 .',
      lead: '7 . . 7 . . 4 . . 7 . . 9 . 7 .',
    },
  } satisfies Record<string, Section>,
  arrangement: ['intro', 'intro', 'groove', 'groove', 'scan', 'tunnel', 'drop', 'drop', 'groove', 'scan', 'tunnel', 'intro'],
} as const;

export type SectionName = keyof typeof SCORE.sections;

/** One sixteenth-note step of the arranged score, with what the picture needs to know about it. */
export interface Step {
  look: Look;
  kick: boolean;
  hat: boolean;
  /** MIDI notes, or null for a rest. */
  bass: number | null;
  lead: number | null;
  /** Chord to sustain from this step (bar starts only). */
  pad: number[] | null;
  /** Index of the section in the arrangement, and of the bar within it. */
  section: number;
  bar: number;
  /** Chord root (scale degree) of this bar. */
  chord: number;
  /** Lead notes since the start of the section (the "cut" counter), including this step. */
  cut: number;
  /** Steps since the last lead onset / kick, 0 when it plays on this step (wraps around the loop). */
  leadAgo: number;
  kickAgo: number;
  /** MIDI note of the most recent lead onset. */
  lastLead: number;
}

/** MIDI note of a scale degree (may be negative or above 6). */
export function degreeToMidi(degree: number, octave = 0): number {
  const n = SCORE.scale.length;
  const oct = Math.floor(degree / n);
  const idx = ((degree % n) + n) % n;
  return SCORE.key + 12 * (oct + octave) + (SCORE.scale[idx] ?? 0);
}

export function midiToHz(midi: number): number {
  return 440 * Math.pow(2, (midi - 69) / 12);
}

function tokens(pattern: string): (number | null)[] {
  const out = pattern.trim().split(/\s+/).map((t) => (t === '.' ? null : Number(t)));
  if (out.length !== SCORE.stepsPerBar) throw new Error(`laser-score: pattern '${pattern}' needs ${SCORE.stepsPerBar} steps`);
  return out;
}

/** Flattens the arrangement into one loop of steps. Pure; computed once. */
export function buildTimeline(): Step[] {
  const steps: Step[] = [];
  SCORE.arrangement.forEach((name, section) => {
    const sec: Section = SCORE.sections[name];
    const bass = tokens(sec.bass);
    const lead = tokens(sec.lead);
    let cut = 0;
    sec.bars.forEach((chord, bar) => {
      for (let i = 0; i < SCORE.stepsPerBar; i++) {
        const b = bass[i] ?? null;
        const l = lead[i] ?? null;
        if (l !== null) cut++;
        steps.push({
          look: sec.look,
          kick: sec.kick[i] === 'x',
          hat: sec.hat[i] === 'x',
          bass: b === null ? null : degreeToMidi(chord + b, -2),
          lead: l === null ? null : degreeToMidi(chord + l, 1),
          pad: sec.pad && i === 0 ? [0, 2, 4, 6].map((d) => degreeToMidi(chord + d, d === 6 ? -1 : 0)) : null,
          section, bar, chord, cut,
          leadAgo: 0, kickAgo: 0, lastLead: SCORE.key + 12,
        });
      }
    });
  });
  // "Steps since the last onset", wrapping round the loop: two passes.
  let leadAgo = 64, kickAgo = 64, lastLead: number = SCORE.key + 12;
  for (let pass = 0; pass < 2; pass++) {
    for (const s of steps) {
      leadAgo = s.lead !== null ? 0 : leadAgo + 1;
      kickAgo = s.kick ? 0 : kickAgo + 1;
      if (s.lead !== null) lastLead = s.lead;
      s.leadAgo = Math.min(leadAgo, 64);
      s.kickAgo = Math.min(kickAgo, 64);
      s.lastLead = lastLead;
    }
  }
  return steps;
}

/** Seconds per sixteenth-note step at a tempo. */
export function stepSeconds(bpm: number): number {
  return 60 / bpm / SCORE.stepsPerBeat;
}
