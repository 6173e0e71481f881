/** Nearest-rank percentile of an unsorted list; NaN when empty. */
export function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

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
    return { count: this.n, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s.length ? s[s.length - 1]! : NaN };
  }
}

export const fmt = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));
