/** Nearest-rank percentile of an already sorted list; NaN when it is empty. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Nearest-rank percentile of an unsorted list (sorts a copy); NaN when it is empty. */
export function percentile(values: readonly number[], p: number): number {
  return percentileSorted(Float64Array.from(values).sort(), p);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** A number with `digits` decimals, or an em dash for a missing or non-finite value. */
export const fmt = (v: number | null | undefined, digits: number): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

/** A growable list of samples (latencies in ms). */
export class Samples {
  private buf = new Float64Array(1 << 16);
  private n = 0;
  add(v: number): void {
    if (this.n === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = v;
  }
  get count(): number {
    return this.n;
  }
  reset(): void {
    this.n = 0;
  }
  summary(): { count: number; p50: number; p90: number; p99: number; max: number } {
    const s = this.buf.slice(0, this.n).sort();
    return { count: this.n, p50: percentileSorted(s, 50), p90: percentileSorted(s, 90), p99: percentileSorted(s, 99), max: s.length ? s[s.length - 1]! : NaN };
  }
}
