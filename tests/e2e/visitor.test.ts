import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { api, startServer, until } from '../support/server';
import { screenUrl } from '../support/stage';
import { launch, openPage, waitFrames } from '../support/browser';
import type { App } from '../../server/app';

const STATIC = process.env.PAVILION_STATIC_DIR ? path.resolve(process.env.PAVILION_STATIC_DIR) : path.resolve(import.meta.dirname, '../../dist/client');

interface Piece {
  id: string;
  title: string;
  inputs: Array<{ id: string; type: string }>;
}
type Win = {
  __pavilion: { visitors: number; framesRendered: number; visitorInputs: Array<{ id: string; input: Record<string, unknown> }> };
  __visit: { phase: string; status: string | null; visitorId: string | null; inputPath: 'frames' | 'put' };
};

let app: App;
let browser: Browser;
let phoneContext: BrowserContext;

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC });
  browser = await launch();
  phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, locale: 'fr-FR' });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('a visitor on a phone', () => {
  it('joins /visit/main, drags the pad, and the wall sees them and their input', async () => {
    // The main wall plays a piece with an xy pad (whichever bundled piece declares one).
    const pieces = (await api(app, 'GET', '/api/installations')).body as unknown as Piece[];
    const piece = pieces.find((p) => p.inputs.some((i) => i.type === 'xy'));
    expect(piece, 'a bundled piece with an xy input').toBeTruthy();
    const padId = piece!.inputs.find((i) => i.type === 'xy')!.id;
    expect((await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: piece!.id })).body.ok).toBe(true);

    const screen = await openPage(browser, screenUrl(app, 'main-1'), { width: 480, height: 270 });
    await waitFrames(screen.page, 10);
    expect(await screen.page.evaluate(() => (window as unknown as Win).__pavilion.visitors)).toBe(0);

    const requested: string[] = [];
    phoneContext.on('request', (r) => requested.push(r.url()));
    const phone = await openPage(phoneContext, `${app.url}/visit/main`, { width: 390, height: 844 });
    const page = phone.page;
    await page.waitForFunction(() => (window as unknown as Win).__visit?.status === 'playing', undefined, { timeout: 20_000, polling: 50 });

    // It speaks the phone's language and says what plays.
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    expect(await page.locator('h1').textContent()).toBe(piece!.title);
    expect(await page.locator('.artist').textContent()).toMatch(/^par /);

    // The wall counts the visitor.
    await until(() => screen.page.evaluate(() => (window as unknown as Win).__pavilion.visitors >= 1), 'the screen to count the visitor');

    // A real touch drag on the pad, from the centre to the upper right.
    const pad = page.locator(`.pad[data-input="${padId}"]`);
    const box = (await pad.boundingBox())!;
    const cdp = await phoneContext.newCDPSession(page);
    const at = (fx: number, fy: number) => [{ x: box.x + box.width * fx, y: box.y + box.height * fy }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0.5, 0.5) });
    for (let i = 1; i <= 10; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(0.5 + 0.03 * i, 0.5 - 0.03 * i) });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });

    const me = await page.evaluate(() => (window as unknown as Win).__visit.visitorId);
    const seen = await until(
      () =>
        screen.page.evaluate(
          ([id, input]) => {
            const v = (window as unknown as Win).__pavilion.visitorInputs.find((x) => x.id === id);
            const xy = v?.input[input] as { x: number; y: number } | undefined;
            // wait for the end of the drag: intermediate positions arrive first
            return xy && Math.abs(xy.x - 0.6) < 0.05 && Math.abs(xy.y - 0.6) < 0.05 ? xy : null;
          },
          [me, padId] as const,
        ),
      'the drag to reach the screen',
    );
    expect(seen.x).toBeCloseTo(0.6, 1);
    expect(seen.y).toBeCloseTo(0.6, 1);
    // The drag went as binary input frames (the server offered them at the join), not visitor:put.
    expect(await page.evaluate(() => (window as unknown as Win).__visit.inputPath)).toBe('frames');

    // The phone told the server how its clock pings go (the clock responder here), and the panel's visitor list says so.
    const paths = async () => ((await api(app, 'GET', '/api/walls/main/visitors')).body as { visitors: Array<{ clockPath: string | null }> }).visitors.map((v) => v.clockPath);
    // (It may say socket.io first: the phone's first pings go before its responder connection is up.)
    const said = await until(async () => ((await paths()).includes('responder') ? paths() : null), "the visitor list to show the phone's clock going to the responder");
    expect(said).toEqual(['responder']);

    // The phone page loads no 3D or audio code, reaches nothing outside, and logs no errors.
    expect(requested.filter((u) => /three|fiber|drei|tone|postprocessing|runtime\//i.test(u))).toEqual([]);
    expect(phone.external).toEqual([]);
    expect(phone.consoleErrors).toEqual([]);
    expect(screen.consoleErrors).toEqual([]);
  });
});
