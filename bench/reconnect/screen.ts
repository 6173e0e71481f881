import type { Browser, BrowserContext, Page } from 'playwright-core';

/** What the bench reads of window.__pavilion on a screen page (docs/display.md). */
interface Diag {
  connected: boolean;
  installationId: string | null;
  framesRendered: number;
  lastSwitch: { installationId: string | null; showTime: number } | null;
}
type W = { __pavilion?: Diag };

/** Every in-page poll runs this often (ms): the resolution of the figures. */
export const POLL_MS = 20;

/** One screen: a page of its own Chromium process, showing a paired screen's displayUrl. */
export class Screen {
  private constructor(
    readonly id: string,
    readonly wallId: string,
    private readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  /** Opens `url` at width×height in a fresh context of `browser` (one Chromium process per screen). */
  static async open(browser: Browser, id: string, wallId: string, url: string, width: number, height: number): Promise<Screen> {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await page.goto(url);
    return new Screen(id, wallId, context, page);
  }

  close(): Promise<void> {
    return this.context.close();
  }

  frames(): Promise<number> {
    return this.page.evaluate(() => (window as unknown as W).__pavilion?.framesRendered ?? 0);
  }

  /** Resolves once the screen plays `piece` and has drawn `frames` frames with it. */
  async playing(piece: string, frames: number, timeout: number): Promise<void> {
    await this.page.waitForFunction((id) => (window as unknown as W).__pavilion?.installationId === id, piece, { timeout, polling: 100 });
    const start = await this.frames();
    await this.page.waitForFunction((n) => ((window as unknown as W).__pavilion?.framesRendered ?? 0) >= n, start + frames, { timeout, polling: 100 });
  }

  /** Resolves once the page says it has lost the server. */
  async disconnected(timeout: number): Promise<void> {
    await this.page.waitForFunction(() => (window as unknown as W).__pavilion?.connected === false, undefined, { timeout, polling: POLL_MS });
  }

  /** Date.now() in the page at the first poll (every POLL_MS) that finds it connected. */
  async connectedAt(timeout: number): Promise<number> {
    const h = await this.page.waitForFunction(() => (window as unknown as W).__pavilion?.connected === true && Date.now(), undefined, { timeout, polling: POLL_MS });
    return (await h.jsonValue()) as number;
  }

  /**
   * Date.now() in the page at the first poll (every POLL_MS) whose last switch is to `piece`, and
   * the show time of the frame that switched.
   */
  async switchedAt(piece: string, timeout: number): Promise<{ at: number; showTime: number }> {
    const h = await this.page.waitForFunction(
      (id) => {
        const p = (window as unknown as W).__pavilion;
        return p?.lastSwitch?.installationId === id && p.installationId === id && { at: Date.now(), showTime: p.lastSwitch.showTime };
      },
      piece,
      { timeout, polling: POLL_MS },
    );
    return (await h.jsonValue()) as { at: number; showTime: number };
  }
}
