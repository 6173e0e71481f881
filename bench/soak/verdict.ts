/** The soak's targets, judged from its samples. Pure: numbers in, verdicts out. */

export interface Point {
  /** Seconds since the load started. */
  t: number;
  v: number;
}

/** Least-squares slope of v over t, per second; NaN with fewer than two points. */
export function slope(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const mv = points.reduce((s, p) => s + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.v - mv);
    den += (p.t - mt) ** 2;
  }
  return den > 0 ? num / den : NaN;
}

const mean = (v: readonly number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);

export interface Growth {
  samples: number;
  first: number;
  last: number;
  /** (last − first) / first, %. */
  growthPct: number;
  /** The fitted slope, units per minute. */
  slopePerMin: number;
  /** The fitted line's rise over the measured span, as % of the first sample. */
  slopeGrowthPct: number;
}

/** Growth of a series after the warm-up: last against first, and the fitted slope. Null with fewer than 3 points. */
export function growth(points: readonly Point[]): Growth | null {
  if (points.length < 3) return null;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const s = slope(points);
  return {
    samples: points.length,
    first: first.v,
    last: last.v,
    growthPct: ((last.v - first.v) / first.v) * 100,
    slopePerMin: s * 60,
    slopeGrowthPct: ((s * (last.t - first.t)) / first.v) * 100,
  };
}

export interface Thirds {
  samples: number;
  secondMean: number;
  lastMean: number;
  /** (mean of the last third − mean of the second third) / mean of the second third, %. */
  growthPct: number;
}

/**
 * Splits the points in three by order and compares the last third's mean with the second's. Null
 * with fewer than `perThird` points in each third: a heap that swings with what is playing (a stage
 * process holds whichever pieces its screens show at the reading: 35–92 MB in one hour, session 30)
 * cannot be told growing from one reading against one other.
 */
export function thirds(values: readonly number[], perThird = 1): Thirds | null {
  const n = values.length;
  if (n < 3 * Math.max(1, perThird)) return null;
  const a = Math.floor(n / 3);
  const b = Math.floor((2 * n) / 3);
  const second = mean(values.slice(a, b));
  const lastMean = mean(values.slice(b));
  return { samples: n, secondMean: second, lastMean, growthPct: ((lastMean - second) / second) * 100 };
}

export type Outcome = 'pass' | 'fail' | 'n/a';
export interface Verdict {
  target: string;
  outcome: Outcome;
  detail: string;
}
