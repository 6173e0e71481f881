import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  COLOUR_PATTERN,
  ID_PATTERN,
  isTimeZone,
  TIME_OF_DAY_PATTERN,
  VISITOR_SECRET_PATTERN,
  type AckOf,
  type CommandInput,
  type ControlClientToServer,
  type DisplayClientToServer,
  type DisplayHealth,
  type DisplayHealthSchema,
  type PayloadOf,
  type PieceError,
  type PieceErrorSchema,
  type Unvalidated,
  type VisitorClientToServer,
  type VisitorInputMessage,
} from '../../protocol';

const root = path.resolve(import.meta.dirname, '../..');
const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');
/** A listed file's text, or '' when it went away since it was listed (files move while others edit). */
const readListed = (rel: string) => {
  try {
    return read(rel);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
};

/** Every import and re-export of a module: its specifier, and whether it is type-only (erased when built). */
function importsOf(source: string): Array<{ from: string; typeOnly: boolean }> {
  const out: Array<{ from: string; typeOnly: boolean }> = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    if (m[1] === 'export' && !/\sfrom\s/.test(m[0])) continue;
    out.push({ from: m[3]!, typeOnly: !!m[2] });
  }
  return out;
}

function filesUnder(rel: string): string[] {
  return fs.readdirSync(path.join(root, rel), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx)$/.test(f))
    .map((f) => path.join(rel, f));
}

describe('the zod-free corner of the protocol (protocol/plain.ts)', () => {
  it('loads nothing at run time but ./errors, ./visitor-input and ./visitor-wire, which load nothing else', () => {
    const runtime = importsOf(read('protocol/plain.ts')).filter((i) => !i.typeOnly);
    expect(runtime.map((i) => i.from).sort()).toEqual(['./errors', './visitor-input', './visitor-wire']);
    expect(importsOf(read('protocol/errors.ts'))).toEqual([]);
    expect(importsOf(read('protocol/visitor-wire.ts'))).toEqual([]);
    expect(importsOf(read('protocol/visitor-input.ts')).map((i) => i.from)).toEqual(['./visitor-wire']);
  });

  it('is all the phone page imports of the protocol at run time (types come with `import type`)', () => {
    const files = filesUnder('client/visit');
    expect(files.length).toBeGreaterThan(5);
    const offenders: string[] = [];
    for (const file of files)
      for (const i of importsOf(readListed(file))) {
        if (i.from === 'zod' || (i.from.includes('protocol') && !i.typeOnly && !i.from.endsWith('/protocol/plain'))) offenders.push(`${file}: ${i.from}`);
      }
    expect(offenders).toEqual([]);
  });

  it('is where the patterns and checks are written, once', () => {
    expect(ID_PATTERN.test('main-1')).toBe(true);
    expect(ID_PATTERN.test('-main')).toBe(false);
    expect(VISITOR_SECRET_PATTERN.test('abcDEF_-12')).toBe(true);
    expect(COLOUR_PATTERN.test('#ff8800')).toBe(true);
    expect(COLOUR_PATTERN.test('#ff880')).toBe(false);
    expect(TIME_OF_DAY_PATTERN.test('23:59')).toBe(true);
    expect(TIME_OF_DAY_PATTERN.test('24:00')).toBe(false);
    expect(isTimeZone('Europe/Brussels')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    const sources = ['protocol', 'server', 'client'].flatMap(filesUnder).filter((f) => f !== path.join('protocol', 'plain.ts'));
    const copies = sources.filter((f) => /new Intl\.DateTimeFormat\([^)]*timeZone: (?:tz|sched)|\^#\[0-9a-fA-F\]\{6\}\$|\^\(\[01\]\\d\|2\[0-3\]\):/.test(readListed(f)));
    expect(copies).toEqual([]);
  });
});

describe('the typed event maps', () => {
  it('give clients the schemas\' input types', () => {
    expectTypeOf<PayloadOf<VisitorClientToServer, 'visitor:input'>>().toEqualTypeOf<z.input<typeof VisitorInputMessage>>();
    expectTypeOf<PayloadOf<DisplayClientToServer, 'display:health'>>().toEqualTypeOf<z.input<typeof DisplayHealthSchema>>();
    expectTypeOf<PayloadOf<DisplayClientToServer, 'display:error'>>().toEqualTypeOf<z.input<typeof PieceErrorSchema>>();
    expectTypeOf<PayloadOf<ControlClientToServer, 'command'>>().toEqualTypeOf<CommandInput>();
    expectTypeOf<AckOf<VisitorClientToServer, 'visitor:input'>>().toMatchTypeOf<{ ok: boolean }>();
  });

  it('show the server the same events with every argument unknown', () => {
    expectTypeOf<Parameters<Unvalidated<DisplayClientToServer>['display:health']>>().toEqualTypeOf<[unknown]>();
    expectTypeOf<Parameters<Unvalidated<ControlClientToServer>['command']>>().toEqualTypeOf<[unknown, unknown]>();
    expectTypeOf<keyof Unvalidated<VisitorClientToServer>>().toEqualTypeOf<keyof VisitorClientToServer>();
  });

  it('derive the views\' types from the schemas', () => {
    expectTypeOf<DisplayHealth>().toEqualTypeOf<z.infer<typeof DisplayHealthSchema>>();
    expectTypeOf<Omit<PieceError, 'at'>>().toEqualTypeOf<Omit<z.infer<typeof PieceErrorSchema>, never>>();
  });
});
