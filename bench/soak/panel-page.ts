/**
 * --panel-page: the control panel's own page, open for the whole run in a Chromium of its own (the
 * technician's laptop), signed in as the panel signs in (POST /api/session sets the session
 * cookie), on its first view: the screens, with their live thumbnails. At every sample its JS heap
 * is read after a forced GC, as a display page's is, and it is judged with them ("panel" in the
 * tables); its uncaught errors and crashes count as errors, its socket.io reconnections as
 * reconnections.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium';
import { HeapReader, countPageFailures, type TabCounters, type TabSample } from './tabs';

export const PANEL_ID = 'panel';

export class PanelPage {
  private readonly heap: HeapReader;
  private readonly c: TabCounters = { screenId: PANEL_ID, pageErrors: 0, crashes: 0, consoleErrors: 0, reconnections: 0, failedRequests: 0, reloads: 0, examples: [] };
  private sockets = 0;
  private baseline: number | null = null;

  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {
    this.heap = new HeapReader(() => page.context().newCDPSession(page));
    const example = countPageFailures(page, this.c);
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      this.c.consoleErrors++;
      example(`console: ${m.text()}`);
    });
    page.on('websocket', (ws) => {
      if (!ws.url().includes('/socket.io/')) return;
      this.sockets++;
      if (this.baseline !== null) this.c.reconnections = this.sockets - this.baseline;
    });
  }

  /** Opens the panel at `url` (the server's base), signs in with `token`, and waits until it shows a screen's live thumbnail (up to `timeoutMs`). */
  static async open(url: string, token: string, viewport: { width: number; height: number }, timeoutMs = 300_000): Promise<PanelPage> {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const panel = new PanelPage(browser, page);
      await page.goto(`${url}/control`, { waitUntil: 'load', timeout: timeoutMs });
      const status = await page.evaluate(async (t) => (await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: t }) })).status, token);
      if (status !== 200) throw new Error(`bench:soak: the panel page could not sign in (POST /api/session answered ${status})`);
      await page.reload({ waitUntil: 'load', timeout: timeoutMs });
      await page.locator('[data-testid^="thumb-"]').first().waitFor({ timeout: timeoutMs });
      return panel;
    } catch (e) {
      await browser.close().catch(() => {});
      throw e;
    }
  }

  /** From now on, every socket.io connection the page opens is a reconnection. */
  markBaseline(): void {
    this.baseline = this.sockets;
  }

  /** A sample of the page as a tab of the soak: its live heap (null when it does not answer within `timeoutMs`), no frame rate. */
  async sample(timeoutMs: number): Promise<TabSample> {
    const bytes = await this.heap.read(timeoutMs);
    return { screenId: PANEL_ID, heapMB: bytes === null ? null : bytes / 1048576, fps: null, installationId: null };
  }

  /** The thumbnails the panel shows now (live pictures of screens). */
  thumbnails(): Promise<number> {
    return this.page.locator('[data-testid^="thumb-"]').count().catch(() => 0);
  }

  counters(): TabCounters {
    return { ...this.c, examples: [...this.c.examples] };
  }

  async close(): Promise<void> {
    this.heap.close();
    await this.browser.close().catch(() => {});
  }
}
