import { describe, expect, it } from 'vitest';
import { codeCensus, compareCensus, slotsLeft } from '../../bench/soak/code-slots';
import { Snapshot, type Raw } from '../../bench/soak/heap-graph';

interface N {
  type: string;
  name: string;
  id: number;
  size: number;
  edges?: Array<{ type: string; name: string; to: number }>;
}

/** A heap snapshot in V8's format, from nodes whose edges name the target by its id. */
function snapshot(nodes: N[]): Snapshot {
  const nodeTypes = ['hidden', 'object', 'closure', 'code', 'synthetic', 'native'];
  const edgeTypes = ['internal', 'property', 'weak', 'hidden'];
  const strings: string[] = [];
  const str = (x: string) => {
    const i = strings.indexOf(x);
    return i >= 0 ? i : strings.push(x) - 1;
  };
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const raw: Raw = {
    snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [nodeTypes], edge_fields: ['type', 'name_or_index', 'to_node'], edge_types: [edgeTypes] } },
    nodes: nodes.flatMap((n) => [nodeTypes.indexOf(n.type), str(n.name), n.id, n.size, n.edges?.length ?? 0]),
    edges: nodes.flatMap((n) => (n.edges ?? []).flatMap((e) => [edgeTypes.indexOf(e.type), str(e.name), index.get(e.to)! * 5])),
    strings,
  };
  return new Snapshot(raw);
}

const code = (id: number, stream?: number): N => ({ type: 'code', name: 'system / Code', id, size: 100, ...(stream ? { edges: [{ type: 'internal', name: 'instruction_stream', to: stream }] } : {}) });
const sfi = (id: number, name: string, baseline?: number): N => ({ type: 'code', name: `system / SharedFunctionInfo / ${name}`, id, size: 40, ...(baseline ? { edges: [{ type: 'internal', name: 'trusted_function_data', to: baseline }] } : {}) });
const closure = (id: number, name: string, fn: number, c: number): N => ({ type: 'closure', name, id, size: 32, edges: [{ type: 'internal', name: 'shared', to: fn }, { type: 'internal', name: 'code', to: c }] });

/**
 * f: baseline code on its function info, and optimized code in each of two contexts (two closures
 * of the first context share one); g: code on a closure and optimized code held (weakly) by its
 * feedback vector; a regular expression's code held by no function.
 */
function before(): Snapshot {
  return snapshot([
    { type: 'synthetic', name: '', id: 1, size: 0, edges: [{ type: 'property', name: 'a', to: 21 }] },
    sfi(11, 'f', 101),
    sfi(12, 'g'),
    closure(21, 'f', 11, 102),
    closure(22, 'f', 11, 102),
    closure(23, 'f', 11, 103),
    closure(24, 'g', 12, 104),
    { type: 'code', name: 'system / FeedbackVector', id: 25, size: 48, edges: [{ type: 'internal', name: 'shared_function_info', to: 12 }, { type: 'weak', name: 'maybe_optimized_code', to: 105 }] },
    { type: 'object', name: 'RegExp', id: 26, size: 32, edges: [{ type: 'internal', name: 'data', to: 106 }] },
    { type: 'hidden', name: 'system / NativeContext', id: 31, size: 900 },
    { type: 'hidden', name: 'system / NativeContext', id: 32, size: 900 },
    code(101),
    code(102, 201),
    code(103),
    code(104),
    code(105),
    code(106),
    { type: 'code', name: 'system / InstructionStream', id: 201, size: 1000 },
  ]);
}

describe('bench:soak code census: V8 code objects per function', () => {
  it('counts each function\'s code objects, whatever holds them, once each, with their streams', () => {
    const c = codeCensus(before());
    expect(c.functions, 'two function infos').toBe(2);
    expect(c.nativeContexts).toBe(2);
    expect(c.codeObjects).toBe(6);
    expect(c.unheld, 'the regular expression\'s code belongs to no function').toEqual({ count: 1, bytes: 100 });
    expect(c.byFunction.get(11), 'f: baseline and one per context, the shared one once').toEqual({ name: 'system / SharedFunctionInfo / f', codes: 3, bytes: 1300, largest: 1100 });
    expect(c.byFunction.get(12), 'g: its closure\'s code and its feedback vector\'s').toMatchObject({ codes: 2, bytes: 200 });
    expect(slotsLeft(c), 'up to 3 each: g has one slot left').toEqual({ most: 3, slots: 6, left: 1 });
  });

  it('says which functions got code for the first time, more, fewer or none between two snapshots', () => {
    const after = snapshot([
      sfi(11, 'f', 101),
      sfi(12, 'g'),
      sfi(13, 'h'),
      closure(21, 'f', 11, 102),
      closure(24, 'g', 12, 104),
      closure(27, 'g', 12, 107),
      closure(28, 'g', 12, 108),
      closure(29, 'h', 13, 109),
      code(101),
      code(102),
      code(104),
      code(107),
      code(108),
      code(109),
    ]);
    expect(compareCensus(codeCensus(before()), codeCensus(after))).toEqual({ first: 1, firstCodes: 1, more: 1, moreCodes: 1, fewer: 1, fewerCodes: 1, none: 0 });
  });
});
