/**
 * What bench/projection/run.ts and profile.ts share: a server with the built client, one screen
 * (canopy-1) in its own headless Chromium at a given size with a piece playing, a frame counter in
 * the stage frame, and the output settings the benches switch between.
 */
import os from 'node:os';
import type { Browser, Frame, Page } from 'playwright-core';
import { BENCH_ADMIN, startBenchApp, type BenchApp } from '../lib/app';
import { launchChromium } from '../../scripts/lib/chromium';
import { poll as pollEvery } from '../lib/child';

export const SCREEN = 'canopy-1';
const ADMIN = BENCH_ADMIN;

export type App = BenchApp;

export function startApp(): Promise<App> {
  return startBenchApp('projection');
}

export async function command(app: App, c: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${app.url}/api/commands`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(c) });
  const body = (await res.json()) as { ok: boolean };
  if (!body.ok) throw new Error(`${String(c.type)}: ${JSON.stringify(body)}`);
}

export const poll = <T>(fn: () => Promise<T | null | false | undefined>, what: string, timeoutMs = 120_000): Promise<T> => pollEvery(fn, what, timeoutMs, 50);

const grid = { cols: 5, rows: 5, points: Array.from({ length: 25 }, (_, k) => [(k % 5) / 4 + (k % 5 > 0 && k % 5 < 4 ? 0.02 : 0), Math.floor(k / 5) / 4]) };
const corners = [[0.03, 0.02], [0.98, 0], [0.96, 0.97], [0.01, 1]];

/**
 * The active stage of each mode. full: pin + 5×5 grid + blend + black lift; mask: full and a mask;
 * pin: corners only; gain: a colour gain only; pattern: a test pattern (the pass without the copy).
 */
export function activeCommand(mode: string): Record<string, unknown> {
  if (mode === 'pin') return { type: 'screen.output', screenId: SCREEN, corners };
  if (mode === 'gain') return { type: 'screen.output', screenId: SCREEN, gain: [1, 0.95, 1] };
  if (mode === 'pattern') return { type: 'screen.pattern', screenId: SCREEN, pattern: 'bars' };
  const full = { type: 'screen.output', screenId: SCREEN, corners, grid, blend: { left: 300, right: 300 }, black: 0.03 };
  if (mode === 'mask') return { ...full, mask: [[0.05, 0.05], [0.5, 0.1], [0.95, 0.05], [0.9, 0.95], [0.1, 0.9]] };
  return full;
}

/** Back to the identity (the pattern too, for the pattern mode). */
export async function identity(app: App, mode: string): Promise<void> {
  await command(app, { type: 'screen.output', screenId: SCREEN, reset: true });
  if (mode === 'pattern') await command(app, { type: 'screen.pattern', screenId: SCREEN, pattern: 'none' });
}

export interface Screen {
  browser: Browser;
  page: Page;
  stage: Frame;
  /** requestAnimationFrame callbacks in the stage frame so far, and the stage's clock. */
  count(): Promise<[number, number]>;
}

/** The screen page at w×h with `piece` on it, and a frame counter in its stage frame (initScript: run in every frame first). */
export async function openScreen(app: App, w: number, h: number, piece: string, initScript?: string): Promise<Screen> {
  const browser = await launchChromium();
  const page = await (await browser.newContext({ viewport: { width: w, height: h } })).newPage();
  await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  if (initScript) await page.addInitScript({ content: initScript }); // every frame, the stage's too
  await page.goto(app.displayUrl(SCREEN)!);
  await poll(async () => page.evaluate((p) => (window as unknown as { __pavilion?: { installationId: string | null } }).__pavilion?.installationId === p || null, piece), 'the piece on screen');
  const stage = await poll<Frame>(async () => page.frames().find((f) => f.url() && new URL(f.url()).pathname === '/stage'), 'the stage frame');
  await stage.evaluate(() => {
    const g = window as unknown as { __benchCount: number };
    g.__benchCount = 0;
    const tick = () => {
      g.__benchCount++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const count = async () => (await stage.evaluate(() => [(window as unknown as { __benchCount: number }).__benchCount, performance.now()])) as [number, number];
  return { browser, page, stage, count };
}

export const loadavg = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
export const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
