/**
 * A V8 heap snapshot, read for what it holds (bench/soak/snapshot-diff.ts, snapshot-series.ts):
 * each node's kind, id and own size, a census by kind, what retains the nodes of some kinds, and
 * chains from the roots to a kind's objects.
 */
import fs from 'node:fs';

export interface Raw {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export class Snapshot {
  readonly nodeCount: number;
  private readonly nf: number;
  private readonly ef: number;
  private readonly iType: number;
  private readonly iName: number;
  private readonly iSize: number;
  private readonly iEdges: number;
  private readonly iId: number;
  private readonly eType: number;
  private readonly eName: number;
  private readonly eTo: number;
  private readonly nodeTypes: string[];
  private readonly edgeTypes: string[];
  /** First edge (index into edges) of each node. */
  private readonly firstEdge: Uint32Array;
  constructor(private readonly raw: Raw) {
    const m = raw.snapshot.meta;
    this.nf = m.node_fields.length;
    this.ef = m.edge_fields.length;
    this.iType = m.node_fields.indexOf('type');
    this.iName = m.node_fields.indexOf('name');
    this.iSize = m.node_fields.indexOf('self_size');
    this.iEdges = m.node_fields.indexOf('edge_count');
    this.iId = m.node_fields.indexOf('id');
    this.eType = m.edge_fields.indexOf('type');
    this.eName = m.edge_fields.indexOf('name_or_index');
    this.eTo = m.edge_fields.indexOf('to_node');
    this.nodeTypes = m.node_types[0];
    this.edgeTypes = m.edge_types[0];
    this.nodeCount = raw.nodes.length / this.nf;
    this.firstEdge = new Uint32Array(this.nodeCount + 1);
    let e = 0;
    for (let n = 0; n < this.nodeCount; n++) {
      this.firstEdge[n] = e;
      e += raw.nodes[n * this.nf + this.iEdges]! * this.ef;
    }
    this.firstEdge[this.nodeCount] = e;
  }

  /** A node's V8 type: object, closure, code, native, string, array, hidden … */
  type(n: number): string {
    return this.nodeTypes[this.raw.nodes[n * this.nf + this.iType]!] ?? '?';
  }

  /** A node's kind: its type, and for objects, closures and natives its name too. */
  kind(n: number): string {
    const type = this.type(n);
    if (type === 'object' || type === 'closure' || type === 'native' || type === 'hidden' || type === 'synthetic' || type === 'code') {
      const name = this.raw.strings[this.raw.nodes[n * this.nf + this.iName]!] ?? '?';
      // Object literals are named by their first properties ("{a, b, c}"): keep that, it tells them apart.
      // Scopes are named with their object's id ("scope @1234"), which differs between snapshots.
      const bare = name.replace(/ @\d+$/, '');
      return `${type} ${bare.length > 80 ? `${bare.slice(0, 80)}…` : bare}`;
    }
    return type;
  }

  /** V8's id of a node: the same object has the same id in every snapshot of one process. */
  id(n: number): number {
    return this.raw.nodes[n * this.nf + this.iId]!;
  }

  /** Every node's id. */
  ids(): Set<number> {
    const out = new Set<number>();
    for (let n = 0; n < this.nodeCount; n++) out.add(this.id(n));
    return out;
  }

  size(n: number): number {
    return this.raw.nodes[n * this.nf + this.iSize]!;
  }

  /** A node's name as V8 wrote it (a function's for a closure or a SharedFunctionInfo). */
  name(n: number): string {
    return this.raw.strings[this.raw.nodes[n * this.nf + this.iName]!] ?? '?';
  }

  /** Calls `visit` with each edge out of node `n`: its type (property, internal, weak …), its name or index, and the node it leads to. */
  forEachEdge(n: number, visit: (type: string, name: string, to: number) => void): void {
    const edges = this.raw.edges;
    for (let e = this.firstEdge[n]!; e < this.firstEdge[n + 1]!; e += this.ef) {
      const type = this.edgeTypes[edges[e + this.eType]!] ?? '?';
      const v = edges[e + this.eName]!;
      visit(type, type === 'element' || type === 'hidden' ? String(v) : (this.raw.strings[v] ?? String(v)), edges[e + this.eTo]! / this.nf);
    }
  }

  /** Count and own size of every kind. */
  census(): Map<string, { count: number; bytes: number }> {
    const out = new Map<string, { count: number; bytes: number }>();
    for (let n = 0; n < this.nodeCount; n++) {
      const k = this.kind(n);
      const c = out.get(k) ?? { count: 0, bytes: 0 };
      c.count++;
      c.bytes += this.size(n);
      out.set(k, c);
    }
    return out;
  }

  /** Edges into each node: [from node, edge index] pairs, built once. */
  private reverse: { start: Uint32Array; from: Uint32Array; edge: Uint32Array } | null = null;
  private buildReverse() {
    if (this.reverse) return this.reverse;
    const edges = this.raw.edges;
    const count = new Uint32Array(this.nodeCount + 1);
    for (let e = 0; e < edges.length; e += this.ef) count[edges[e + this.eTo]! / this.nf]!++;
    const start = new Uint32Array(this.nodeCount + 1);
    for (let n = 0; n < this.nodeCount; n++) start[n + 1] = start[n]! + count[n]!;
    const fill = start.slice();
    const from = new Uint32Array(edges.length / this.ef);
    const edge = new Uint32Array(edges.length / this.ef);
    for (let n = 0; n < this.nodeCount; n++)
      for (let e = this.firstEdge[n]!; e < this.firstEdge[n + 1]!; e += this.ef) {
        const to = edges[e + this.eTo]! / this.nf;
        const i = fill[to]!++;
        from[i] = n;
        edge[i] = e;
      }
    return (this.reverse = { start, from, edge });
  }

  private edgeLabel(e: number): string {
    const type = this.edgeTypes[this.raw.edges[e + this.eType]!] ?? '?';
    const v = this.raw.edges[e + this.eName]!;
    if (type === 'element' || type === 'hidden') return `[${v}]`;
    const name = this.raw.strings[v] ?? String(v);
    return type === 'context' ? `(context var ${name})` : `.${name}`;
  }

  /** Each node's distance from the roots (node 0 is the synthetic root) over strong edges, -1 if none; computed once. */
  private distances: Int32Array | null = null;
  private rootDistances(): Int32Array {
    if (this.distances) return this.distances;
    const edges = this.raw.edges;
    const dist = new Int32Array(this.nodeCount).fill(-1);
    const queue = new Uint32Array(this.nodeCount);
    let head = 0;
    let tail = 0;
    dist[0] = 0;
    queue[tail++] = 0;
    while (head < tail) {
      const n = queue[head++]!;
      for (let e = this.firstEdge[n]!; e < this.firstEdge[n + 1]!; e += this.ef) {
        if (this.edgeTypes[edges[e + this.eType]!] === 'weak') continue;
        const to = edges[e + this.eTo]! / this.nf;
        if (dist[to] !== -1) continue;
        dist[to] = dist[n]! + 1;
        queue[tail++] = to;
      }
    }
    return (this.distances = dist);
  }

  /**
   * For up to `samples` objects of `kind` (spread over the heap), a chain of what holds each: at
   * each step the retainer nearest to a root (a breadth-first walk from the roots, over non-weak
   * edges), so the chain is a shortest path from the roots to the object.
   */
  paths(kind: string, samples: number, only?: (id: number) => boolean): string[][] {
    const r = this.buildReverse();
    const dist = this.rootDistances();
    const edges = this.raw.edges;
    const of: number[] = [];
    for (let n = 0; n < this.nodeCount; n++) if (this.kind(n) === kind && (!only || only(this.id(n)))) of.push(n);
    const picks = of.length <= samples ? of : Array.from({ length: samples }, (_, i) => of[Math.floor(((i + 0.5) * of.length) / samples)]!);
    return picks.map((n) => {
      const chain: string[] = [`${this.kind(n)} (${of.length} of this kind)`];
      let at = n;
      for (let step = 0; step < 30 && dist[at]! > 0; step++) {
        let best = -1;
        let bestEdge = -1;
        for (let i = r.start[at]!; i < r.start[at + 1]!; i++) {
          const f = r.from[i]!;
          if (this.edgeTypes[edges[r.edge[i]! + this.eType]!] === 'weak' || dist[f] === -1) continue;
          if (best === -1 || dist[f]! < dist[best]!) {
            best = f;
            bestEdge = r.edge[i]!;
          }
        }
        if (best === -1) break;
        chain.push(`${this.edgeLabel(bestEdge)} of ${this.kind(best)}`);
        at = best;
      }
      return chain;
    });
  }

  /** For the nodes of `kinds`: who holds them (retainer kind · edge name), counted per kind. */
  retainers(kinds: Set<string>): Map<string, Map<string, number>> {
    const out = new Map<string, Map<string, number>>();
    const edges = this.raw.edges;
    for (let n = 0; n < this.nodeCount; n++) {
      const from = this.kind(n);
      for (let e = this.firstEdge[n]!; e < this.firstEdge[n + 1]!; e += this.ef) {
        const type = this.edgeTypes[edges[e + this.eType]!] ?? '?';
        if (type === 'weak') continue;
        const to = edges[e + this.eTo]! / this.nf;
        const k = this.kind(to);
        if (!kinds.has(k)) continue;
        // Element and hidden edges by their type, not their index: one key for all of a table's slots.
        const label = type === 'element' || type === 'hidden' ? `[${type}]` : this.edgeLabel(e);
        const key = `${from} · ${label.length > 40 ? `${label.slice(0, 40)}…` : label}`;
        const m = out.get(k) ?? new Map<string, number>();
        m.set(key, (m.get(key) ?? 0) + 1);
        out.set(k, m);
      }
    }
    return out;
  }
}

/** Reads a snapshot file; stops the process with why when it is not a whole one. */
export function load(file: string): Snapshot {
  let raw: Raw;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Raw;
  } catch (e) {
    // Seen on a starved browser whose stage was reloaded while the snapshot was being written.
    console.error(`${file} is not a whole heap snapshot (${(e as Error).message.slice(0, 120)}): take it again on a less loaded machine`);
    process.exit(1);
  }
  return new Snapshot(raw);
}
