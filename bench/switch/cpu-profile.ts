/**
 * Reading a V8 CPU profile (CDP Profiler.stop) of the stage around a switch: which samples fall in a
 * stretch of time, what they spent their time on (self time by kind: WebGL calls by name, GC, React,
 * three.js, the piece, ours…), and through which of our functions (inclusive). Minified bundles are
 * named through their source maps (the build's `.map` files next to each chunk).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number; // µs, the profiler's clock
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a generated position comes from: its source file (relative, without ../) and the name there, if the map has one. */
export interface Origin {
  file: string;
  line: number;
  name: string | null;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** One line's segments of a source map's `mappings` (VLQ), absolute: [genCol, src, line, col, name]. */
type Segment = [number, number, number, number, number];

function decodeVlq(s: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of s) {
    const d = B64_INDEX.get(ch);
    if (d === undefined) throw new Error(`source map: bad VLQ character '${ch}'`);
    value += (d & 31) << shift;
    if (d & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** A decoded source map: generated (line, column) → original file, line and name. */
export class SourceMap {
  private readonly lines: Segment[][] = [];
  private readonly sources: string[];
  private readonly names: string[];

  constructor(map: { sources: string[]; names: string[]; mappings: string; sourceRoot?: string }) {
    this.sources = map.sources.map((s) => s.replace(/^(\.\.\/)+/, '').replace(/^\/?node_modules\/\.vite\/deps\//, 'node_modules/'));
    this.names = map.names;
    let src = 0;
    let line = 0;
    let col = 0;
    let name = 0;
    for (const text of map.mappings.split(';')) {
      let gen = 0;
      const segs: Segment[] = [];
      for (const part of text.split(',')) {
        if (!part) continue;
        const v = decodeVlq(part);
        gen += v[0]!;
        if (v.length >= 4) {
          src += v[1]!;
          line += v[2]!;
          col += v[3]!;
          let n = -1;
          if (v.length >= 5) {
            name += v[4]!;
            n = name;
          }
          segs.push([gen, src, line, col, n]);
        }
      }
      this.lines.push(segs);
    }
  }

  /** The origin of generated 0-based (line, column), or null where the map says nothing. */
  lookup(line: number, column: number): Origin | null {
    const segs = this.lines[line];
    if (!segs?.length) return null;
    let lo = 0;
    let hi = segs.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segs[mid]![0] <= column) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const s = segs[Math.max(0, best)]!;
    // The function's own name is usually on the segment at (or just after) its start.
    const named = [s, segs[best + 1]].find((x) => x && x[4] >= 0);
    return { file: this.sources[s[1]] ?? '?', line: s[2] + 1, name: named ? this.names[named[4]]! : null };
  }
}

/** Source maps of a build's chunks, read on demand from its static dir (`<dir>/<pathname>.map`). */
export class BuildMaps {
  private readonly maps = new Map<string, SourceMap | null>();
  constructor(private readonly staticDir: string) {}

  origin(cf: CallFrame): Origin | null {
    if (!cf.url.startsWith('http')) return null;
    const pathname = new URL(cf.url).pathname;
    let m = this.maps.get(pathname);
    if (m === undefined) {
      const file = path.join(this.staticDir, `${pathname}.map`);
      try {
        m = new SourceMap(JSON.parse(fs.readFileSync(file, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
      } catch {
        m = null;
      }
      this.maps.set(pathname, m);
    }
    return m ? m.lookup(cf.lineNumber, cf.columnNumber) : null;
  }
}

const GL = {
  'shader compile': ['compileShader', 'linkProgram', 'getProgramParameter', 'getShaderParameter', 'getProgramInfoLog', 'getShaderInfoLog', 'shaderSource', 'attachShader', 'getShaderPrecisionFormat', 'getActiveUniform', 'getActiveAttrib', 'getUniformLocation', 'getAttribLocation', 'useProgram', 'deleteProgram', 'deleteShader'],
  'texture upload': ['texImage2D', 'texSubImage2D', 'texStorage2D', 'texImage3D', 'texSubImage3D', 'generateMipmap', 'compressedTexImage2D', 'renderbufferStorage', 'renderbufferStorageMultisample', 'framebufferTexture2D', 'checkFramebufferStatus', 'deleteTexture', 'deleteFramebuffer', 'deleteRenderbuffer'],
  'buffer upload': ['bufferData', 'bufferSubData', 'deleteBuffer'],
  'draw': ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced', 'clear', 'blitFramebuffer', 'invalidateFramebuffer', 'readPixels'],
  'gl sync': ['getError', 'getParameter', 'finish', 'flush', 'clientWaitSync', 'fenceSync', 'getSyncParameter', 'getExtension', 'getContextAttributes'],
} as const;
const GL_KIND = new Map<string, string>(Object.entries(GL).flatMap(([kind, names]) => names.map((n) => [n, `gl ${kind}`] as const)));

/** What one frame of a stack is, for grouping: a WebGL call by kind, GC, idle, or the library or our folder it is in. */
export function kindOf(cf: CallFrame, origin: Origin | null): string {
  const fn = cf.functionName;
  if (!cf.url) {
    if (fn === '(idle)') return 'idle';
    if (fn === '(garbage collector)') return 'GC';
    if (fn === '(program)') return 'native (program)';
    if (fn === '(root)') return 'root';
    const gl = GL_KIND.get(fn);
    if (gl) return gl;
    return `native ${fn || '(anonymous)'}`;
  }
  const f = origin?.file ?? cf.url;
  const lib = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1];
  if (lib) {
    if (/^(react|react-dom|react-reconciler|scheduler|its-fine)$/.test(lib)) return 'React';
    if (lib === '@react-three/fiber') return 'r3f';
    return lib;
  }
  const ours = /(client\/[^/]+|sdk|protocol|installations\/[^/]+)\//.exec(f)?.[1];
  if (ours) return ours;
  if (/sdk\/[^/]+$/.test(f)) return 'sdk';
  return origin ? f : 'js (no map)';
}

export interface Stretch {
  /** Samples in [from, to] (stage performance.now ms). */
  ms: number;
  /** Self time (ms) by kind. */
  self: Array<[string, number]>;
  /** Self time (ms) by function (name, file:line). */
  selfFns: Array<[string, number]>;
  /** Time (ms) spent under each of our functions and each library (counted once per sample). */
  under: Array<[string, number]>;
}

const top = (m: Map<string, number>, n: number): Array<[string, number]> =>
  [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => [k, Math.round(v * 10) / 10]);

/**
 * A profile read on the stage's performance.now() clock: `offsetMs` maps the profiler's µs to it
 * (stage ms = profile µs / 1000 + offsetMs).
 */
export class ProfileReader {
  private readonly byId = new Map<number, ProfileNode>();
  private readonly parent = new Map<number, number>();
  private readonly times: number[] = [];
  private readonly weights: number[] = [];
  private readonly labels = new Map<number, { kind: string; fn: string; mine: boolean }>();

  constructor(
    private readonly profile: CpuProfile,
    private readonly maps: BuildMaps,
    private readonly offsetMs: number,
  ) {
    for (const n of profile.nodes) {
      this.byId.set(n.id, n);
      for (const c of n.children ?? []) this.parent.set(c, n.id);
    }
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i] ?? 0;
      this.times.push(t / 1000 + offsetMs);
    }
    // A sample stands for the time until the next one.
    for (let i = 0; i < this.times.length; i++) this.weights.push(Math.max(0, (this.times[i + 1] ?? profile.endTime / 1000 + offsetMs) - this.times[i]!));
  }

  /** Stage ms of the profile's start and end. */
  get span(): [number, number] {
    return [this.profile.startTime / 1000 + this.offsetMs, this.profile.endTime / 1000 + this.offsetMs];
  }

  private label(id: number): { kind: string; fn: string; mine: boolean } {
    let l = this.labels.get(id);
    if (l) return l;
    const cf = this.byId.get(id)!.callFrame;
    const o = this.maps.origin(cf);
    const kind = kindOf(cf, o);
    const where = o ? `${o.file.replace(/^.*node_modules\//, '')}:${o.line}` : cf.url ? `${cf.url.replace(/^https?:\/\/[^/]+/, '')}:${cf.lineNumber + 1}` : '';
    const name = o?.name ?? (cf.functionName || '(anonymous)');
    l = { kind, fn: where ? `${name} (${where})` : name, mine: /^(client\/|sdk|installations\/)/.test(kind) };
    this.labels.set(id, l);
    return l;
  }

  /** What the samples in [from, to] (stage ms) spent their time on. */
  stretch(from: number, to: number, n = 12): Stretch {
    const self = new Map<string, number>();
    const selfFns = new Map<string, number>();
    const under = new Map<string, number>();
    let ms = 0;
    for (let i = 0; i < this.times.length; i++) {
      const t = this.times[i]!;
      if (t < from || t > to) continue;
      const w = this.weights[i]!;
      ms += w;
      const leaf = this.profile.samples[i]!;
      const l = this.label(leaf);
      self.set(l.kind, (self.get(l.kind) ?? 0) + w);
      if (l.kind !== 'idle') selfFns.set(l.fn, (selfFns.get(l.fn) ?? 0) + w);
      const seen = new Set<string>();
      for (let id: number | undefined = leaf; id !== undefined; id = this.parent.get(id)) {
        const x = this.label(id);
        if (x.kind === 'idle' || x.kind === 'root') continue;
        for (const key of [`[${x.kind}]`, ...(x.mine ? [x.fn] : [])]) {
          if (seen.has(key)) continue;
          seen.add(key);
          under.set(key, (under.get(key) ?? 0) + w);
        }
      }
    }
    return { ms, self: top(self, n), selfFns: top(selfFns, n), under: top(under, n + 8) };
  }

  /** Stretches of busy samples (not idle) at least `minMs` long, in [from, to]: the long tasks as the profiler saw them. */
  busy(from: number, to: number, minMs: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let start: number | null = null;
    let last = 0;
    for (let i = 0; i < this.times.length; i++) {
      const t = this.times[i]!;
      if (t < from || t > to) continue;
      const idle = this.label(this.profile.samples[i]!).kind === 'idle';
      if (!idle && start === null) start = t;
      if (idle && start !== null) {
        if (t - start >= minMs) out.push([start, t]);
        start = null;
      }
      last = t;
    }
    if (start !== null && last - start >= minMs) out.push([start, last]);
    return out;
  }
}
