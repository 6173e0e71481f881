/**
 * K Chromium tabs of the demo wall (real display pages, 480×270). The bench server's show clock
 * runs `shiftMs` ahead of the machine's, so a tab that had not synced would show its error; the
 * truth in a tab is its own clock (performance.timeOrigin + performance.now()) + shiftMs.
 * Measures |estimate − truth| in each tab, and the cue spread: the show time of the first frame of
 * a new piece on each tab (window.__pavilion.lastSwitch) after wall.play over REST.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium';
import { sleep } from '../lib/child';

export interface BrowserJob {
  url: string;
  token: string;
  shiftMs: number;
  tabs: number;
  durationMs: number;
  warmupMs: number;
  /** Switches per set of pieces. */
  switches: number;
  /** The pieces to alternate between, set by set (each set measured on its own). */
  pieceSets: PieceSet[];
  /**
   * Called once every tab is loaded and synced (`--tabs-under-load`: before the load starts
   * sending, as screens are up before the crowd arrives); the warm-up counts from its end.
   */
  onLoaded?: () => Promise<void>;
}

export interface PieceSet {
  label: string;
  ids: string[];
}

export interface SwitchResult {
  set: string;
  installationId: string;
  startedAt: number;
  showTimes: number[];
  spreadMs: number;
  /** First-frame show time minus startedAt, per tab. */
  latenessMs: number[];
  /** startedAt minus the server's time just after the command: the lead the server chose. */
  leadMs: number;
  /** How long each tab took to preload the piece (window.__pavilion.lastPreload), and whether cold. */
  preloads: Array<{ ms: number; cold: boolean } | null>;
}

export interface BrowserResult {
  tabs: number;
  errors: number[];
  perTabP99: number[];
  fps: number[];
  /** Frames per second of each tab while each set of pieces played. */
  fpsBySet: Record<string, number[]>;
  firstWithin1MsFromLoad: Array<number | null>;
  switches: SwitchResult[];
  problems: string[];
}

type Diag = {
  clock: { now(): number; synced: boolean };
  framesRendered: number;
  lastSwitch: { installationId: string | null; showTime: number } | null;
  lastPreload: { installationId: string; ms: number; cold: boolean } | null;
};
type BenchWindow = Window & { __pavilion?: Diag; __bench: { d: number; errs: number[]; first1: number | null; t0: number; f0: number } };

/** Runs before any page script: watches for the tab's first estimate within 1 ms of the truth. */
function initScript(shift: number): void {
  const w = window as unknown as BenchWindow;
  w.__bench = { d: shift, errs: [], first1: null, t0: 0, f0: 0 };
  const watch = setInterval(() => {
    const p = w.__pavilion;
    if (!p || !p.clock.synced) return;
    const a = performance.timeOrigin + performance.now();
    const e = p.clock.now();
    if (Math.abs(e - (a + shift)) <= 1) {
      w.__bench.first1 = performance.now();
      clearInterval(watch);
    }
  }, 2);
}

/**
 * fetch, tried again on a network error (not on an HTTP error) for up to 60 s (GETs only): under `--saturate`
 * the load's 1,500 sockets connect at once, and a request of the bench's own can find the server's
 * accept queue full ("fetch failed"). The last error says its cause.
 */
async function fetchRetrying(url: string, init: RequestInit): Promise<Response> {
  const end = Date.now() + 60_000;
  for (;;) {
    try {
      return await fetch(url, init);
    } catch (e) {
      if (Date.now() > end) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        throw new Error(`${(e as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}, for 60 s`);
      }
      await sleep(500);
    }
  }
}

async function api(job: BrowserJob, method: string, route: string, body?: unknown): Promise<unknown> {
  // Only a GET is tried again: a POST that reached the server must not run twice.
  const res = await (method === 'GET' ? fetchRetrying : fetch)(`${job.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${job.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function poll<T>(fn: () => Promise<T | null | false>, timeoutMs: number): Promise<T | null> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await sleep(25);
  }
  return null;
}

/** Each screen's paired address (its key from GET /api/show), on the bench's own url. */
async function screenUrls(job: BrowserJob): Promise<Map<string, string>> {
  const show = (await api(job, 'GET', '/api/show')) as { screens: Array<{ id: string; displayUrl: string | null }> };
  const urls = new Map<string, string>();
  for (const s of show.screens) {
    const key = s.displayUrl ? new URL(s.displayUrl).searchParams.get('key') : null;
    if (key) urls.set(s.id, `${job.url}/display?screen=${encodeURIComponent(s.id)}&key=${encodeURIComponent(key)}`);
  }
  return urls;
}

export async function runBrowser(job: BrowserJob): Promise<BrowserResult> {
  const problems: string[] = [];
  const browser: Browser = await launchChromium();
  let started = Date.now();
  try {
    const pages: Page[] = [];
    const urls = await screenUrls(job);
    for (let i = 0; i < job.tabs; i++) {
      const context = await browser.newContext({ viewport: { width: 480, height: 270 } });
      const page = await context.newPage();
      page.on('pageerror', (e) => problems.push(`tab ${i + 1}: ${e.message}`));
      // tsx (esbuild keepNames) wraps functions in __name(); give the page a no-op one.
      await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
      await page.addInitScript(initScript, job.shiftMs);
      const url = urls.get(`main-${i + 1}`);
      if (!url) throw new Error(`bench: screen main-${i + 1} is not paired in this show (GET /api/show gives it no displayUrl)`);
      // Under --saturate the busy server can take longer than playwright's 30 s to serve the page and its stage frame.
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
      pages.push(page);
    }
    for (const page of pages)
      await page.waitForFunction(() => {
        const w = window as unknown as BenchWindow;
        return !!w.__pavilion?.clock.synced && w.__pavilion.framesRendered > 5;
      }, undefined, { timeout: 120_000, polling: 50 });

    if (job.onLoaded) {
      await job.onLoaded();
      started = Date.now();
    }
    // Sample each tab's error every 20 ms after the warm-up.
    const untilWarm = Math.max(0, job.warmupMs - (Date.now() - started));
    await sleep(untilWarm);
    for (const page of pages)
      await page.evaluate(() => {
        const w = window as unknown as BenchWindow;
        w.__bench.t0 = performance.now();
        w.__bench.f0 = w.__pavilion!.framesRendered;
        setInterval(() => {
          const a = performance.timeOrigin + performance.now();
          const e = w.__pavilion!.clock.now();
          const b = performance.timeOrigin + performance.now();
          w.__bench.errs.push(e - ((a + b) / 2 + w.__bench.d));
        }, 20);
      });

    // Switch pieces over REST, set by set, alternating between the pieces of each set.
    const known = new Set(((await api(job, 'GET', '/api/installations')) as Array<{ id: string }>).map((p) => p.id));
    const switches: SwitchResult[] = [];
    const fpsBySet: Record<string, number[]> = {};
    const measureEnd = Date.now() + job.durationMs - (Date.now() - started);
    const total = job.switches * job.pieceSets.length;
    const gap = Math.max(3000, (measureEnd - Date.now() - 3000) / Math.max(1, total));
    const frames = () => Promise.all(pages.map((p) => p.evaluate(() => [performance.now(), (window as unknown as BenchWindow).__pavilion!.framesRendered] as const)));
    for (const set of job.pieceSets) {
      const pieces = set.ids.filter((id) => known.has(id));
      if (pieces.length < 2) {
        problems.push(`set ${set.label}: needs two installed pieces, has ${pieces.join(', ') || 'none'}`);
        continue;
      }
      // An unmeasured switch into the set first: a switch away from the previous set's piece would
      // land on that piece's frame rate, not this set's.
      const now = await pages[0]!.evaluate(() => (window as unknown as BenchWindow).__pavilion!.lastSwitch?.installationId ?? null);
      if (!now || !pieces.includes(now)) {
        await api(job, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: pieces[0] });
        const ok = await poll(async () => {
          const s = await Promise.all(pages.map((p) => p.evaluate(() => (window as unknown as BenchWindow).__pavilion!.lastSwitch?.installationId ?? null)));
          return s.every((x) => x === pieces[0]);
        }, 20_000);
        if (!ok) problems.push(`set ${set.label}: the tabs did not switch to ${pieces[0]} within 20 s`);
        await sleep(1500);
      }
      const f0 = await frames();
      for (let k = 0; k < job.switches && Date.now() + 2500 < measureEnd; k++) {
        const before = await Promise.all(pages.map((p) => p.evaluate(() => (window as unknown as BenchWindow).__pavilion!.lastSwitch)));
        const current = before[0]?.installationId ?? null;
        const choices = pieces.filter((p) => p !== current);
        const id = choices[k % choices.length]!;
        await api(job, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: id });
        const show = (await api(job, 'GET', '/api/show')) as { serverTime: number; walls: Array<{ id: string; startedAt: number }> };
        const startedAt = show.walls.find((w) => w.id === 'main')!.startedAt;
        const after = await poll(async () => {
          const s = await Promise.all(pages.map((p) => p.evaluate(() => (window as unknown as BenchWindow).__pavilion!.lastSwitch)));
          return s.every((x, i) => x && x.installationId === id && x.showTime !== before[i]?.showTime) ? s : null;
        }, 20_000);
        if (!after) {
          problems.push(`switch ${k + 1} of ${set.label} to ${id}: not every tab switched within 20 s`);
        } else {
          const showTimes = after.map((x) => x!.showTime);
          const preloads = await Promise.all(
            pages.map((p) =>
              p.evaluate((piece) => {
                const l = (window as unknown as BenchWindow).__pavilion!.lastPreload;
                return l && l.installationId === piece ? { ms: Math.round(l.ms), cold: l.cold } : null;
              }, id),
            ),
          );
          switches.push({
            set: set.label,
            installationId: id,
            startedAt,
            showTimes,
            spreadMs: Math.max(...showTimes) - Math.min(...showTimes),
            latenessMs: showTimes.map((t) => t - startedAt),
            leadMs: Math.round(startedAt - show.serverTime),
            preloads,
          });
        }
        await sleep(Math.max(0, Math.min(gap, measureEnd - Date.now() - 2500)));
      }
      const f1 = await frames();
      fpsBySet[set.label] = f1.map(([t, n], i) => ((n - f0[i]![1]) * 1000) / Math.max(1, t - f0[i]![0]));
    }
    await sleep(Math.max(0, measureEnd - Date.now()));

    const perTab = await Promise.all(
      pages.map((p) =>
        p.evaluate(() => {
          const w = window as unknown as BenchWindow;
          const secs = (performance.now() - w.__bench.t0) / 1000;
          return { errs: w.__bench.errs, fps: (w.__pavilion!.framesRendered - w.__bench.f0) / Math.max(0.001, secs), first1: w.__bench.first1 };
        }),
      ),
    );
    const p99 = (v: number[]) => {
      const s = v.map(Math.abs).sort((a, b) => a - b);
      return s.length ? s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)]! : NaN;
    };
    return {
      tabs: job.tabs,
      errors: perTab.flatMap((t) => t.errs),
      perTabP99: perTab.map((t) => p99(t.errs)),
      fps: perTab.map((t) => t.fps),
      fpsBySet,
      firstWithin1MsFromLoad: perTab.map((t) => t.first1),
      switches,
      problems,
    };
  } finally {
    await browser.close();
  }
}
