/**
 * npx tsx bench/soak/stage-climb.ts bench/results/soak-<date>.json [--window-s 300]
 *
 * How each browser's stage process's live heap moved after a soak's warm-up: the median of its heap
 * walk's readings in each window of --window-s seconds, and the least-squares slope of all its
 * readings after the warm-up, in MB a minute. The soak's own verdict compares two thirds of the
 * run; this shows whether a heap still climbs at the end, and how fast (docs/performance.md,
 * sessions 32 and 35).
 */
import fs from 'node:fs';
import { arg } from '../lib/args';
import { fmt, median } from '../lib/stats';
import type { Sample } from './report';
import { slope, type Point } from './verdict';

const file = process.argv[2];
if (!file || !fs.existsSync(file)) {
  console.error('usage: npx tsx bench/soak/stage-climb.ts bench/results/soak-<date>.json [--window-s 300]');
  process.exit(2);
}
const WINDOW_S = arg('window-s', 300);
if (!(WINDOW_S > 0)) {
  console.error('--window-s takes a number of seconds above 0');
  process.exit(2);
}
const r = JSON.parse(fs.readFileSync(file, 'utf8')) as { samples: Sample[]; config: { warmupS: number; runS: number } };
const { warmupS } = r.config;

const ids = [...new Set(r.samples.flatMap((s) => s.tabs.filter((t) => t.stageHeapMB !== undefined).map((t) => t.screenId)))];
if (!ids.length) {
  console.error(`${file}: no stage process readings (a result from before session 31's per-process walk?)`);
  process.exit(1);
}
const windows: number[] = [];
for (let from = warmupS; from < r.config.runS; from += WINDOW_S) windows.push(from);
console.log(`stage processes' live heap after the ${fmt(warmupS, 0)} s warm-up: medians of ${fmt(WINDOW_S, 0)}-s windows (from s), MB, and the slope of every reading`);
console.log(['stage of'.padEnd(12), ...windows.map((w) => fmt(w, 0).padStart(6)), 'readings'.padStart(9), 'MB/min'.padStart(7)].join(' '));
for (const id of ids) {
  const points: Point[] = [];
  for (const s of r.samples) {
    const v = s.tabs.find((t) => t.screenId === id)?.stageHeapMB;
    if (s.t >= warmupS && typeof v === 'number') points.push({ t: s.t, v });
  }
  const cells = windows.map((w) => fmt(median(points.filter(({ t }) => t >= w && t < w + WINDOW_S).map(({ v }) => v)), 1).padStart(6));
  console.log([id.padEnd(12), ...cells, String(points.length).padStart(9), fmt(slope(points) * 60, 3).padStart(7)].join(' '));
}
