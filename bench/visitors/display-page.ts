/**
 * The screen as a Chromium page (--display chromium): a bare page running socket.io-client, with a
 * requestAnimationFrame loop like a screen's, that stamps each input's arrival. Measures what a
 * real screen's main thread goes through: every relay message is one event on that thread, while
 * Pavilion's frames are at most one per frame.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium';
import { ROOT } from '../lib/child';
import type { Mode } from './protocol';

const CLIENT = fs.readFileSync(path.join(ROOT, 'node_modules/socket.io-client/dist/socket.io.min.js'), 'utf8');

export interface PageWindow {
  latencies: number[];
  msgs: number;
  delivered: number;
  frames: number;
  /** Longest gap between two animation frames in the window, ms. */
  worstFrameGapMs: number;
}

type BenchPage = Window & {
  io: (url: string, opts: object) => { on(e: string, f: (m: never) => void): void; emit(e: string, p: unknown, cb: (r: { ok: boolean }) => void): void; connected: boolean };
  __b: PageWindow & { lastSent: Map<string, number>; lastFrame: number };
  __ready: boolean;
};

/** Runs in the page: connects as screen main-1 with its key (pavilion) or as a display of the relay. */
function pageMain(args: { url: string; mode: Mode; key: string | null }): void {
  const w = window as unknown as BenchPage;
  w.__b = { latencies: [], msgs: 0, delivered: 0, frames: 0, worstFrameGapMs: 0, lastSent: new Map(), lastFrame: 0 };
  const loop = (t: number) => {
    const b = w.__b;
    if (b.lastFrame) b.worstFrameGapMs = Math.max(b.worstFrameGapMs, t - b.lastFrame);
    b.lastFrame = t;
    b.frames++;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  const s = w.io(`${args.url}/display`, { transports: ['websocket'], reconnection: false });
  if (args.mode === 'pavilion') {
    s.on('connect', () => s.emit('display:hello', { screenId: 'main-1', ...(args.key ? { key: args.key } : {}) }, (r) => void (w.__ready = r.ok)));
    s.on('visitors:frame', (f: { visitors: Array<{ id: string; sentAt?: number }> }) => {
      const now = Date.now();
      const b = w.__b;
      b.msgs++;
      for (const v of f.visitors) {
        if (v.sentAt === undefined || b.lastSent.get(v.id) === v.sentAt) continue;
        b.lastSent.set(v.id, v.sentAt);
        b.latencies.push(now - v.sentAt);
        b.delivered++;
      }
    });
  } else {
    s.on('connect', () => void (w.__ready = true));
    s.on('input', (m: { sentAt: number }) => {
      const b = w.__b;
      b.msgs++;
      b.delivered++;
      b.latencies.push(Date.now() - m.sentAt);
    });
  }
}

export class DisplayPage {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  /** `key`: screen main-1's key (pavilion mode; `app.store.get().screens['main-1'].key` or GET /api/show's displayUrl): without it the page only waits to be paired. */
  static async open(url: string, mode: Mode, key: string | null = null): Promise<DisplayPage> {
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 480, height: 270 } });
    await page.setContent('<!doctype html><title>bench screen</title><body style="background:#000"></body>');
    await page.addScriptTag({ content: CLIENT });
    await page.addScriptTag({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
    await page.evaluate(pageMain, { url, mode, key });
    await page.waitForFunction(() => (window as unknown as BenchPage).__ready === true, undefined, { timeout: 20_000 });
    return new DisplayPage(browser, page);
  }

  /** Starts a measuring window (forgets what came before). */
  async reset(): Promise<void> {
    await this.page.evaluate(() => {
      const b = (window as unknown as BenchPage).__b;
      b.latencies = [];
      b.msgs = 0;
      b.delivered = 0;
      b.frames = 0;
      b.worstFrameGapMs = 0;
    });
  }

  async read(): Promise<PageWindow> {
    return this.page.evaluate(() => {
      const b = (window as unknown as BenchPage).__b;
      return { latencies: b.latencies, msgs: b.msgs, delivered: b.delivered, frames: b.frames, worstFrameGapMs: b.worstFrameGapMs };
    });
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
