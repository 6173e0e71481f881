/**
 * The soak's screens: one small page (320×180 by default) per paired screen, as tabs of one
 * Chromium (the set-up, and a kiosk browser driving several outputs), or with
 * `perScreen` each in a Chromium of its own (a venue's browser per screen; 16 of them are more
 * than this 2-core machine starts). Tabs of one browser share its GPU process: their stages queue
 * behind each other there while their display pages, which draw almost nothing, still get their
 * frames; the stage watchdog tells that from a stall by the page's own GPU fence
 * (client/display/gpu-probe.ts). Samples each
 * tab's JS heap through the DevTools protocol after a forced GC (the live heap; the stage frame's
 * too when it runs in a process of its own), its frame rate from window.__pavilion.framesRendered
 * (the display page's diagnostics, a mirror of the stage frame's), and counts what goes wrong:
 * uncaught page errors, crashes, console errors, socket.io connections after the first
 * (reconnections) and reloads of the page.
 */
import type { Browser, BrowserContext, CDPSession, Frame, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium';

export interface TabSample {
  screenId: string;
  /** Live JS heap of the page's renderer (and of an out-of-process stage frame), MB; null when unreadable. */
  heapMB: number | null;
  /** Animation frames per second since the previous sample; null without window.__pavilion. */
  fps: number | null;
  installationId: string | null;
}

export interface TabCounters {
  screenId: string;
  pageErrors: number;
  crashes: number;
  consoleErrors: number;
  /** socket.io WebSocket connections the page (or its workers) opened after the run began. */
  reconnections: number;
  /** Responses with a status ≥ 400 (their addresses go to the examples). */
  failedRequests: number;
  /** Loads of the display page after the first (screen.reload, or a page that reloaded itself). */
  reloads: number;
  examples: string[];
}

type Diag = { framesRendered: number; installationId: string | null };
type W = Window & { __pavilion?: Diag };

class Tab {
  readonly c: TabCounters;
  private sockets = 0;
  /** Sockets open when the run began (the page's own and its clock worker's). */
  private baseline: number | null = null;
  private loads = 0;
  private last: { t: number; frames: number } | null = null;
  constructor(
    readonly screenId: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    this.c = { screenId, pageErrors: 0, crashes: 0, consoleErrors: 0, reconnections: 0, failedRequests: 0, reloads: 0, examples: [] };
    const example = (s: string) => {
      if (this.c.examples.length < 5 && !this.c.examples.includes(s)) this.c.examples.push(s.slice(0, 300));
    };
    page.on('pageerror', (e) => {
      this.c.pageErrors++;
      example(`page error: ${e.message}`);
    });
    page.on('crash', () => {
      this.c.crashes++;
      example('the page crashed');
    });
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      this.c.consoleErrors++;
      example(`console: ${m.text()} (${m.location().url.replace(/key=[^&]+/, 'key=…') || 'no address'})`);
    });
    page.on('websocket', (ws) => {
      if (!ws.url().includes('/socket.io/')) return;
      this.sockets++;
      if (this.baseline !== null) this.c.reconnections = this.sockets - this.baseline;
    });
    page.on('response', (res) => {
      if (res.status() < 400) return;
      this.c.failedRequests++;
      example(`${res.status()} ${res.url().replace(/key=[^&]+/, 'key=…')}`);
    });
    page.on('load', () => {
      if (this.loads++ > 0) this.c.reloads++;
    });
  }

  /** From now on, every socket.io connection the page opens is a reconnection. */
  markBaseline(): void {
    this.baseline = this.sockets;
  }

  /** The live heap of one CDP target after a full GC, bytes. */
  private static async heapOf(s: CDPSession): Promise<number> {
    await s.send('HeapProfiler.collectGarbage');
    const h = await s.send('Runtime.getHeapUsage');
    return h.usedSize;
  }

  async sample(): Promise<TabSample> {
    let heap: number | null = null;
    try {
      const s = await this.context.newCDPSession(this.page);
      heap = await Tab.heapOf(s);
      await s.detach();
      // A stage frame on another origin may run in its own process: add its heap.
      for (const f of this.page.frames()) if (f !== this.page.mainFrame()) heap += (await Tab.frameHeap(this.context, f)) ?? 0;
    } catch {
      heap = null;
    }
    let fps: number | null = null;
    let installationId: string | null = null;
    try {
      const d = await this.page.evaluate(() => {
        const p = (window as unknown as W).__pavilion;
        return p ? { t: performance.now(), frames: p.framesRendered, installationId: p.installationId } : null;
      });
      if (d) {
        if (this.last && d.t > this.last.t && d.frames >= this.last.frames) fps = ((d.frames - this.last.frames) * 1000) / (d.t - this.last.t);
        this.last = { t: d.t, frames: d.frames };
        installationId = d.installationId;
      }
    } catch {
      // a page mid-reload: no figure this time
    }
    return { screenId: this.screenId, heapMB: heap === null ? null : heap / 1048576, fps, installationId };
  }

  /** An out-of-process frame's heap; null for a frame that shares its page's process. */
  private static async frameHeap(context: BrowserContext, f: Frame): Promise<number | null> {
    let s: CDPSession;
    try {
      s = await context.newCDPSession(f); // throws for a frame in its parent's process
    } catch {
      return null;
    }
    try {
      return await Tab.heapOf(s);
    } finally {
      await s.detach().catch(() => {});
    }
  }
}

export class Tabs {
  private constructor(
    private readonly browsers: Browser[],
    private readonly tabs: Tab[],
  ) {}

  /**
   * Opens one page per screen at `urls` (screen id → its paired display address): tabs of one
   * browser context (one HTTP and code cache, as one kiosk browser would have), or with
   * `perScreen` each in a Chromium of its own; waits until every page renders, for up to
   * `timeoutMs` (a busy machine loads 16 three.js pages slowly).
   */
  static async open(urls: Map<string, string>, viewport: { width: number; height: number }, log: (s: string) => void, perScreen = false, timeoutMs = 600_000): Promise<Tabs> {
    const browsers: Browser[] = [];
    const tabs: Tab[] = [];
    let shared: BrowserContext | null = null;
    const contextFor = async (): Promise<BrowserContext> => {
      if (shared) return shared;
      const browser = await launchChromium();
      browsers.push(browser);
      const context = await browser.newContext({ viewport });
      // tsx (esbuild keepNames) wraps functions in __name(); give the page a no-op one.
      await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
      if (!perScreen) shared = context;
      return context;
    };
    try {
      for (const [screenId, url] of urls) {
        const context = await contextFor();
        const page = await context.newPage();
        const tab = new Tab(screenId, context, page);
        await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
        tabs.push(tab);
      }
      const until = Date.now() + timeoutMs;
      for (;;) {
        const up = await Promise.all(tabs.map((t) => t.page.evaluate(() => ((window as unknown as W).__pavilion?.framesRendered ?? 0) > 5).catch(() => false)));
        const n = up.filter(Boolean).length;
        if (n === tabs.length) break;
        if (Date.now() > until) throw new Error(`bench:soak: only ${n} of ${tabs.length} tabs rendered within ${timeoutMs / 1000} s (not rendering: ${tabs.filter((_, i) => !up[i]).map((t) => t.screenId).join(', ')})`);
        log(`${n}/${tabs.length} tabs rendering…`);
        await new Promise((r) => setTimeout(r, 10_000));
      }
    } catch (e) {
      await Promise.all(browsers.map((b) => b.close().catch(() => {})));
      throw e;
    }
    return new Tabs(browsers, tabs);
  }

  /**
   * One sample of every tab, all at once: a tab whose main thread is busy with a slow frame
   * answers late, and one after the other, 16 such tabs would take longer than the sampling
   * period. A tab that does not answer within `timeoutMs` gives no figures this time.
   */
  async sample(timeoutMs = 30_000): Promise<TabSample[]> {
    return Promise.all(
      this.tabs.map((t) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<TabSample>((resolve) => {
          timer = setTimeout(() => resolve({ screenId: t.screenId, heapMB: null, fps: null, installationId: null }), timeoutMs);
        });
        return Promise.race([t.sample(), late]).finally(() => clearTimeout(timer));
      }),
    );
  }

  /** The run begins: sockets opened from now on are reconnections. */
  markBaseline(): void {
    for (const t of this.tabs) t.markBaseline();
  }

  counters(): TabCounters[] {
    return this.tabs.map((t) => ({ ...t.c, examples: [...t.c.examples] }));
  }

  async close(): Promise<void> {
    await Promise.all(this.browsers.map((b) => b.close().catch(() => {})));
  }
}
