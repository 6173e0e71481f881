import type { OscArg, OscMessage } from 'osc';
import { Command, fail, type WireError } from '../../protocol';

/** A plain value from one OSC argument. */
export type OscValue = number | string | boolean | null;

/** What an OSC message asks for: a command (still unvalidated: the store parses it, as for REST), or a refusal. */
export type Mapped = { ok: true; command: { type: string } & Record<string, unknown> } | { ok: false; error: WireError };

/** Looks up the type of a param of the piece a wall plays, to read 0/1 as a boolean (QLab sends ints). */
export type ParamTypeOf = (wallId: string, name: string) => string | undefined;

/** The commands that take an optional `at` (show time): a time-tagged bundle sets it instead of waiting. */
export const TIMED_TYPES: ReadonlySet<string> = new Set(Command.options.filter((o) => 'at' in o.shape).map((o) => o.shape.type.value));

export const OSC_ADDRESSES = [
  '/pavilion/cue/go [cueId]',
  '/pavilion/cue/next',
  '/pavilion/cue/back',
  '/pavilion/wall/<wallId>/play <pieceId>',
  '/pavilion/wall/<wallId>/param/<name> <value>',
  '/pavilion/wall/<wallId>/pause',
  '/pavilion/wall/<wallId>/resume',
  '/pavilion/wall/<wallId>/stop',
  '/pavilion/blackout <0|1>',
  '/pavilion/volume <0..1>',
  '/pavilion/screen/<screenId>/pattern <name>',
] as const;

const HINT = `the addresses are ${OSC_ADDRESSES.join(', ')} (docs/links.md)`;

/** One argument as a plain value; blobs, MIDI, colours and time tags are not command values. */
export function valueOf(arg: OscArg): OscValue | undefined {
  switch (arg.type) {
    case 'i':
    case 'f':
    case 'd':
      return typeof arg.value === 'number' ? arg.value : undefined;
    case 'h': {
      const v = arg.value as { high?: unknown; low?: unknown } | null;
      return v && typeof v.high === 'number' && typeof v.low === 'number' ? v.high * 2 ** 32 + (v.low >>> 0) : undefined;
    }
    case 's':
    case 'S':
    case 'c':
      return typeof arg.value === 'string' ? arg.value : undefined;
    case 'T':
      return true;
    case 'F':
      return false;
    case 'N':
      return null;
    default:
      return undefined;
  }
}

const bad = (message: string): Mapped => fail('bad_request', message);
const ok = (command: { type: string } & Record<string, unknown>): Mapped => ({ ok: true, command });

/** Maps one message to the command REST would take for it (docs/links.md, "OSC in"). */
export function commandOf(msg: OscMessage, paramType: ParamTypeOf = () => undefined): Mapped {
  const address = typeof msg.address === 'string' ? msg.address : '';
  const shown = address.slice(0, 80);
  const parts = address.split('/');
  if (parts[0] !== '' || parts[1] !== 'pavilion') return bad(`'${shown}' is not a Pavilion address; ${HINT}`);
  const path = parts.slice(2);
  const values: OscValue[] = [];
  for (const [i, a] of (Array.isArray(msg.args) ? msg.args : []).entries()) {
    const v = valueOf(a);
    if (v === undefined) return bad(`${shown}: argument ${i + 1} has OSC type '${String(a?.type).slice(0, 4)}', which no command takes; send ints, floats, strings or T/F`);
    values.push(v);
  }
  const arity = (n: number, what: string): Mapped | null =>
    values.length === n ? null : bad(`${shown} takes ${n === 0 ? 'no arguments' : what}; it got ${values.length}`);
  const str = (v: OscValue | undefined, what: string): string | Mapped =>
    typeof v === 'string' ? v : typeof v === 'number' && Number.isInteger(v) ? String(v) : bad(`${shown} takes ${what} as a string`);
  const [head, id, verb, name] = path;
  switch (head) {
    case 'cue': {
      if (path.length !== 2) break;
      if (id === 'go') {
        if (values.length === 0) return ok({ type: 'cue.go' });
        const cueId = str(values[0], 'a cue id');
        return arity(1, 'no arguments or a cue id') ?? (typeof cueId === 'string' ? ok({ type: 'cue.go', cueId }) : cueId);
      }
      if (id === 'next' || id === 'back') return arity(0, '') ?? ok({ type: `cue.${id}` });
      break;
    }
    case 'wall': {
      if (id === undefined || id === '') break;
      if (path.length === 3 && verb === 'play') {
        const pieceId = str(values[0], 'a piece id');
        return arity(1, 'one piece id') ?? (typeof pieceId === 'string' ? ok({ type: 'wall.play', wallId: id, installationId: pieceId }) : pieceId);
      }
      if (path.length === 3 && (verb === 'pause' || verb === 'resume' || verb === 'stop')) return arity(0, '') ?? ok({ type: `wall.${verb}`, wallId: id });
      if (path.length === 4 && verb === 'param' && name) {
        const none = arity(1, 'one value');
        if (none) return none;
        let value = values[0];
        if ((value === 0 || value === 1) && paramType(id, name) === 'boolean') value = value === 1;
        if (value === null) return bad(`${shown} takes a number, a string or T/F`);
        return ok({ type: 'wall.params', wallId: id, params: Object.fromEntries([[name, value]]) });
      }
      break;
    }
    case 'blackout': {
      if (path.length !== 1) break;
      const v = values[0];
      const on = v === true || v === 1 ? true : v === false || v === 0 ? false : null;
      return arity(1, 'one argument, 0 or 1') ?? (on === null ? bad(`${shown} takes 0 (lights on) or 1 (black), or F/T`) : ok({ type: 'show.blackout', on }));
    }
    case 'volume': {
      if (path.length !== 1) break;
      const v = values[0];
      return arity(1, 'one number from 0 to 1') ?? (typeof v === 'number' ? ok({ type: 'show.volume', volume: v }) : bad(`${shown} takes a number from 0 to 1`));
    }
    case 'screen': {
      if (path.length !== 3 || verb !== 'pattern' || !id) break;
      const pattern = str(values[0], 'a pattern name');
      const none = arity(1, 'one pattern name');
      if (none) return none;
      if (typeof pattern !== 'string') return pattern;
      // `identify` flashes the screen's id; any other name is a test pattern (screen.pattern; the store checks the name).
      if (pattern === 'identify') return ok({ type: 'screen.identify', screenId: id });
      return ok({ type: 'screen.pattern', screenId: id, pattern });
    }
  }
  return bad(`'${shown}' is not a Pavilion address; ${HINT}`);
}
