import { COMMAND_FIELDS, DEEP, NASTY_STRINGS, deepArray, encode, garbageCommand, junkWellFormed, type Rng } from './fuzz-random';
import { packet } from './fuzz-wire';

/*
 * Malformed socket.io traffic for the fuzz suite, namespace by namespace. Two kinds:
 * - well-framed events with garbage in them (wrong types, deep nesting, unknown events, acks),
 *   which the server must answer or ignore while keeping the connection;
 * - broken frames (engine.io and socket.io packets that do not parse, lie about attachments,
 *   exceed maxHttpBufferSize), after which the server may close the connection, and only that.
 */

export const NAMESPACES = ['/display', '/control', '/visitor'] as const;
export type Namespace = (typeof NAMESPACES)[number];

/** The events each namespace handles (server/transport/*.ts). */
export const EVENTS: Record<Namespace, readonly string[]> = {
  '/display': ['display:hello', 'display:health', 'display:error', 'display:preloaded', 'display:ready', 'display:resync', 'display:thumbnail', 'display:lights', 'clock:ping'],
  '/control': ['command', 'control:watch', 'clock:ping'],
  '/visitor': ['visitor:join', 'visitor:input', 'visitor:put', 'visitor:clock', 'clock:ping'],
};

/** Events that no namespace of this server handles, or not that one (a phone sending a command). */
export function unknownEvent(rng: Rng, nsp: Namespace): string | number {
  const elsewhere = Object.entries(EVENTS)
    .filter(([n]) => n !== nsp)
    .flatMap(([, evs]) => evs)
    .filter((e) => !EVENTS[nsp].includes(e));
  return rng.pick<string | number>([...elsewhere, 'no:such:event', 'error', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'x'.repeat(5000), 0, 42, -1, '\u0000', '\ud800']);
}

export interface EventFrame {
  frame: string;
  /** The ack id asked for, if any. */
  id?: number;
  /** An event the namespace has no handler for: it must be refused with an error ack when one was asked. */
  unknown: boolean;
  /** A command with garbage fields: it must be refused (never applied). */
  command: boolean;
}

/** One well-framed event with garbage in it. */
export function eventFrame(rng: Rng, nsp: Namespace, id: number | undefined): EventFrame {
  const known = rng.chance(0.75);
  const event = known ? rng.pick(EVENTS[nsp]) : unknownEvent(rng, nsp);
  let args: string;
  let command = false;
  if (event === 'command' && rng.chance(0.7)) {
    const c = rng.pick(COMMAND_FIELDS);
    args = garbageCommand(rng, c.type, c.fields);
    command = true;
  } else {
    // zero to three arguments; an ack is the last when asked for
    args = Array.from({ length: rng.int(4) }, (_, k) => junkWellFormed(rng, k === 0)).join(','); // one deep argument at most
  }
  const data = `[${JSON.stringify(event)}${args ? `,${args}` : ''}]`;
  return { frame: packet(2, nsp, { id, data }), ...(id !== undefined ? { id } : {}), unknown: !known, command: command || (event === 'command' && known) };
}

/** Frames that do not parse, or lie: after them the server may close the connection. */
export function brokenFrames(rng: Rng, nsp: string): Array<string | Buffer> {
  const n = `${nsp},`;
  switch (rng.int(5)) {
    case 0:
      return [rng.ascii(rng.int(200))];
    case 1:
      return [rng.bytes(1 + rng.int(512))];
    case 2:
      // a binary event whose attachments do not match what it announced
      return [`451-${n}["display:error",{"_placeholder":true,"num":${rng.pick([0, 1, 7, -1, 1e9])}}]`, rng.bytes(rng.int(64)), rng.bytes(rng.int(64))];
    case 3:
      // over maxHttpBufferSize (256 KB)
      return [`42${n}["${rng.pick(['display:error', 'command', 'visitor:input'])}","${'a'.repeat(300_000)}"]`];
    default:
      return [
        rng.pick([
          '',
          '4',
          '42',
          '4x',
          '49',
          '7',
          '9',
          'x',
          '5',
          '6',
          '1',
          '3probe',
          `4${'9'.repeat(400)}`,
          `42${n}["display:hello"`,
          `42${n}{"a":1}`,
          `42${n}[{"a":1}]`,
          `42${n}[["nested"]]`,
          `42${n}["disconnect"]`,
          `42${n}["newListener","x"]`,
          `42${n}[]`,
          `42${n}null`,
          `43${n}123[1]`,
          `43${n}[1]`,
          `43${n}1{"not":"an array"}`,
          `41${n}`,
          `41${n}{"x":1}`,
          `40${n}[1]`,
          `40${n}"token"`,
          `44${n}{}`,
          `45999999-${n}["x"]`,
          `4511-${n}["x",{"_placeholder":true,"num":0}]`,
          `42${n}${'9'.repeat(30)}["clock:ping",1]`,
          `42${n}${deepArray(DEEP)}`,
          `42/nope,["x"]`,
          `42${'/'.repeat(3000)},["x"]`,
          `42${n}["clock:ping",${encode(rng.pick(NASTY_STRINGS))}]`,
        ]),
      ];
  }
}

/** The handshake payload of a socket.io CONNECT: an object (auth), or garbage. */
export function connectAuth(rng: Rng, token: string | null): string {
  if (token !== null) return JSON.stringify({ token });
  if (rng.chance(0.5)) return '';
  return rng.pick([JSON.stringify({ token: rng.pick(NASTY_STRINGS) }), '{"token":{"toString":1}}', '{"token":[]}', `{"__proto__":{"token":"x"}}`, '{}', JSON.stringify({ token: 'x'.repeat(20_000) })]);
}
