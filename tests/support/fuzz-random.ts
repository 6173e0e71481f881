import { Command } from '../../protocol';

/**
 * The fuzz suite's seeded generator and its malformed values. Everything here is deterministic:
 * the same seed gives the same inputs in the same order, run after run, so a failure replays
 * (PAVILION_FUZZ_SEED picks another seed to explore).
 */
export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** mulberry32: a float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    if (!xs.length) throw new Error('fuzz: pick from an empty list');
    return xs[this.int(xs.length)]!;
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  /** Printable ASCII, `n` characters. */
  ascii(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(32 + this.int(95));
    return s;
  }
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) becomes its raw UTF-8 bytes' escapes. */
export function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
}

/** Deep nesting as JSON text (JSON.stringify of such a value would itself overflow the stack). */
export const deepArray = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
export const deepObject = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
/** The depth the suite nests to. */
export const DEEP = 10_000;

/** Strings that have broken parsers before: percent signs, surrogates, prototype names, paths. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '%',
  '%%%',
  '%E0%A4%A',
  '%zz',
  '%00',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u2066evil',
  '🦄🦄🦄',
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'main-1',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e999',
  '../../../../etc/passwd',
  '..\\..\\windows',
  '/api/commands',
  '<script>alert(1)</script>',
  "'; DROP TABLE show; --",
  '${process.exit()}',
  'a'.repeat(4096),
  'technician.99999999999999.x.forged',
];

const NUMBERS: readonly number[] = [0, -0, -1, 1, 0.5, -1e308, 1e308, 5e-324, 2 ** 53 + 2, -(2 ** 31), 4294967296, 1e21];

/** Object keys a handler might trip on (own `__proto__` keys are made with JSON.parse). */
const KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'then', 'length', '', 'a', '0', '%', 'type', 'token', 'installationId', 'screenId', 'input', 'value'];

function objectWith(entries: Array<[string, unknown]>): Record<string, unknown> {
  // JSON.parse makes `__proto__` an own key, as a client's JSON would.
  return JSON.parse(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`) as Record<string, unknown>;
}

/** A random JSON value of any type, up to `depth` levels. */
export function junkValue(rng: Rng, depth = 3): unknown {
  const kind = depth <= 0 ? rng.int(4) : rng.int(7);
  switch (kind) {
    case 0:
      return rng.pick(NUMBERS);
    case 1:
      return rng.chance(0.5) ? rng.pick(NASTY_STRINGS) : rng.ascii(rng.int(64));
    case 2:
      return rng.pick([true, false, null]);
    case 3:
      return rng.int(1_000_000) - 500_000;
    case 4:
      return Array.from({ length: rng.int(5) }, () => junkValue(rng, depth - 1));
    case 5:
      return objectWith(Array.from({ length: 1 + rng.int(4) }, () => [rng.pick(KEYS), junkValue(rng, depth - 1)]));
    default:
      // an object whose toString / valueOf are not functions: String(x) on it throws
      return objectWith([[rng.pick(['toString', 'valueOf']), junkValue(rng, 0)]]);
  }
}

/**
 * JSON text that is malformed, deep, or merely of the wrong shape. `deep: false` leaves out the
 * 10,000-level values (about 60 KB each), so that a message with several stays under socket.io's
 * maxHttpBufferSize (256 KB) and tests the handler rather than the size limit.
 */
export function junkJson(rng: Rng, deep = true): string {
  switch (rng.int(12)) {
    case 0:
      return deep ? deepArray(DEEP) : '[[[[[[[[1]]]]]]]]';
    case 1:
      return deep ? deepObject(DEEP) : '{"a":{"a":{"a":{"a":1}}}}';
    case 2:
      return rng.pick(['{', '[1,', '"abc', 'undefined', 'NaN', '{"a":1,}', "{'a':1}", '\u0000', '', ' ', '[]]', '1e999', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}']);
    default:
      return JSON.stringify(junkValue(rng)) ?? 'null';
  }
}

export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Like junkJson, but always well-formed JSON (wrong only in shape): for messages that must parse. */
export function junkWellFormed(rng: Rng, deep = true): string {
  for (;;) {
    const text = junkJson(rng, deep).trim();
    if (text && isJson(text)) return text;
  }
}

/** A value that no field of any command accepts: arrays of arrays, at times very deep. */
export function neverValid(rng: Rng): string {
  return rng.chance(0.1) ? deepArray(DEEP) : JSON.stringify([[junkValue(rng, 1)], []]);
}

/** Every command type and its fields, read from the protocol's own schema. */
export const COMMAND_FIELDS: ReadonlyArray<{ type: string; fields: string[] }> = Command.options.map((o) => ({
  type: o.shape.type.value,
  fields: Object.keys(o.shape).filter((k) => k !== 'type'),
}));

/**
 * A command of a real type whose fields are garbage, as well-formed JSON text. The first field is always one
 * that no schema accepts, so the command is never valid; the others are anything. A command
 * without fields (cue.next, cue.back: valid whatever else they carry) gets a garbage `type`.
 */
export function garbageCommand(rng: Rng, type: string, fields: readonly string[]): string {
  if (!fields.length) {
    const badType = rng.pick([`${type} `, type.toUpperCase(), `${type}\u0000`, [type], { type }, `${type}.x`]);
    return `{"type":${JSON.stringify(badType)},${JSON.stringify(rng.pick(KEYS))}:${junkWellFormed(rng)}}`;
  }
  const parts = [`"type":${JSON.stringify(type)}`];
  // one deep value at most (the first field's), so the message stays under maxHttpBufferSize
  fields.forEach((f, i) => parts.push(`${JSON.stringify(f)}:${i === 0 ? neverValid(rng) : junkWellFormed(rng, false)}`));
  if (rng.chance(0.3)) parts.push(`${JSON.stringify(rng.pick(KEYS))}:${junkWellFormed(rng, false)}`);
  return `{${parts.join(',')}}`;
}

/** A client address from the documentation range, for X-Forwarded-For (never sent anywhere). */
export const fuzzAddress = (rng: Rng): string => `198.51.100.${1 + rng.int(254)}`;
