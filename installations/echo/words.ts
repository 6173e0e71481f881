/**
 * Echo's vocabulary and the machine that mutates words. Everything here is pure and seeded:
 * the same word and seed give the same echoes on every screen.
 */
import { createRandom } from 'pavilion/sdk';

/** Words the wall repeats to itself when nobody is talking to it (Latin script only). */
export const AMBIENT_WORDS: readonly string[] = [
  // en
  'machine', 'automation', 'feedback', 'signal', 'repeat', 'process', 'control', 'labour', 'loop', 'input', 'output', 'algorithm',
  // fr
  'automate', 'boucle', 'travail', 'répétition', 'machinal', 'écho', 'signal', 'rouage', 'calcul',
  // nl
  'herhaling', 'lus', 'werktuig', 'automaat', 'stroom', 'arbeid', 'terugkoppeling', 'rekenen',
  // de
  'Maschine', 'Schleife', 'Arbeit', 'Steuerung', 'Wiederholung', 'Rückkopplung', 'Automat', 'Takt',
];

/** The shape an echo takes: its text, and how the picture distorts it. */
export interface EchoForm {
  text: string;
  /** Mirrored left to right (drawn with a negative x scale). */
  mirror: boolean;
  /** Horizontal stretch factor (1 = none). */
  stretch: number;
  /** Extra letter spacing, in em. */
  spacing: number;
}

/** Phonetic drift: spellings sliding between English, French, Dutch and German. */
const DRIFT: [string, string][] = [
  ['tion', 'sie'], ['sie', 'tsion'], ['ch', 'sch'], ['sch', 'sj'], ['qu', 'kw'], ['ph', 'f'], ['th', 'z'],
  ['c', 'k'], ['k', 'c'], ['w', 'v'], ['v', 'w'], ['ou', 'oe'], ['oe', 'u'], ['ie', 'ee'], ['ee', 'i'],
  ['ei', 'ij'], ['ij', 'ei'], ['au', 'ou'], ['s', 'z'], ['z', 'ts'], ['x', 'ks'], ['y', 'ij'], ['ine', 'ien'],
  ['é', 'ee'], ['u', 'ü'], ['ü', 'ue'], ['o', 'ö'], ['ä', 'e'], ['er', 'eur'], ['eur', 'er'], ['a', 'aa'],
];
/** Glitches: glyphs a tired machine mistakes for one another. */
const GLITCH: Record<string, string> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7', b: '8', g: '9', l: '|', z: '2' };

function swapAdjacent(w: string, r: () => number): string {
  if (w.length < 3) return w;
  const i = 1 + Math.floor(r() * (w.length - 2));
  return w.slice(0, i - 1) + w[i] + w[i - 1] + w.slice(i + 1);
}

function glitch(w: string, r: () => number): string {
  const chars = [...w];
  const candidates = chars.map((c, i) => (GLITCH[c.toLowerCase()] ? i : -1)).filter((i) => i >= 0);
  if (!candidates.length) return w;
  const i = candidates[Math.floor(r() * candidates.length)] ?? 0;
  chars[i] = GLITCH[(chars[i] ?? '').toLowerCase()] ?? chars[i] ?? '';
  return chars.join('');
}

function drift(w: string, r: () => number): string {
  const lower = w.toLowerCase();
  const matches = DRIFT.filter(([from]) => lower.includes(from));
  if (!matches.length) return w;
  const [from, to] = matches[Math.floor(r() * matches.length)] ?? ['', ''];
  const at = lower.indexOf(from);
  const keepCase = w[at] !== undefined && w[at] !== lower[at] ? to.toUpperCase() : to;
  return w.slice(0, at) + keepCase + w.slice(at + from.length);
}

function stretchVowel(w: string, r: () => number): string {
  const idx = [...w].map((c, i) => ('aeiouyéëü'.includes(c.toLowerCase()) ? i : -1)).filter((i) => i >= 0);
  if (!idx.length) return w;
  const i = idx[Math.floor(r() * idx.length)] ?? 0;
  return w.slice(0, i + 1) + w[i] + w.slice(i + 1);
}

function dropLetter(w: string, r: () => number): string {
  if (w.length <= 2) return w;
  const i = Math.floor(r() * w.length);
  return w.slice(0, i) + w.slice(i + 1);
}

/** Characters the shipped font (Space Grotesk, Latin subset) draws. */
const DRAWABLE = /[\u0020-\u007e\u00a0-\u00ff\u0131\u0152\u0153\u2013\u2014\u2018-\u201e\u2026\u20ac]/;

/**
 * Cleans a visitor's word: one line, trimmed, at most 24 characters, and only characters the
 * shipped font has (accents it lacks are dropped from their letter, other scripts and emoji are
 * left out). Text with a missing glyph would make the text renderer fetch a fallback font from a
 * CDN, which an offline pavilion cannot reach.
 */
export function cleanWord(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFC')) {
    if (DRAWABLE.test(ch)) out += ch;
    else {
      const base = ch.normalize('NFD')[0] ?? '';
      out += DRAWABLE.test(base) ? base : /\s/.test(ch) ? ' ' : '';
    }
  }
  out = out.replace(/\s+/g, ' ').trim().slice(0, 24);
  // A word in a script the font lacks still gets its echo: the machine cannot read it.
  if (!out && s.trim()) out = '#'.repeat(Math.min(8, Math.max(2, [...s.trim()].length)));
  return out;
}

/**
 * The echoes of a word: echo 0 is the word as sent; each later echo mutates the previous one
 * (permutations, glitches, phonetic drift, stretching) and loses a little of it, like a copy of a copy.
 */
export function echoForms(word: string, seed: number, count: number): EchoForm[] {
  const r = createRandom(seed).next;
  const forms: EchoForm[] = [{ text: word, mirror: false, stretch: 1, spacing: 0 }];
  let cur = word;
  for (let j = 1; j < count; j++) {
    const ops = 1 + (r() < 0.45 ? 1 : 0);
    for (let k = 0; k < ops; k++) {
      const p = r();
      if (p < 0.3) cur = drift(cur, r);
      else if (p < 0.5) cur = swapAdjacent(cur, r);
      else if (p < 0.68) cur = glitch(cur, r);
      else if (p < 0.8) cur = stretchVowel(cur, r);
      else if (p < 0.9) cur = cur === cur.toUpperCase() ? cur.toLowerCase() : cur.toUpperCase();
      else cur = drift(cur, r);
    }
    // Case changes can leave the font (ÿ → Ÿ, µ → Μ): keep only what it draws.
    const kept = [...cur].filter((c) => DRAWABLE.test(c)).join('');
    cur = kept || (forms[forms.length - 1]?.text ?? word);
    // Late echoes lose information.
    if (j > count / 2 && r() < 0.6) cur = dropLetter(cur, r);
    if (cur.length > 28) cur = cur.slice(0, 28);
    forms.push({
      text: cur,
      mirror: r() < 0.16,
      stretch: 1 + (r() < 0.3 ? r() * 0.6 : 0),
      spacing: r() < 0.3 ? 0.15 + r() * 0.45 : r() * 0.06,
    });
  }
  return forms;
}
