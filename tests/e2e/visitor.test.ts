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
  __visit: { phase: string; status: string | null; visitorId: string | null; inputPath: 'socket' | 'frames' | 'put'; inputSocketFailures: number };
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
    // Its inputs go on the input socket (a plain WebSocket opened with the join's ticket) once the server bound it.
    await page.waitForFunction(() => (window as unknown as Win).__visit.inputPath === 'socket', undefined, { timeout: 20_000, polling: 50 });
    const opened = app.visitorInputSockets()!.opened;
    expect(opened).toBeGreaterThanOrEqual(1);
    const acceptedBefore = app.visitors.counters().accepted;

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
    // The drag went on the input socket: still in use, the same one, and the server took the inputs.
    expect(await page.evaluate(() => (window as unknown as Win).__visit.inputPath)).toBe('socket');
    expect(app.visitorInputSockets()).toMatchObject({ open: 1, opened, malformed: 0 });
    expect(app.visitors.counters().accepted).toBeGreaterThan(acceptedBefore);

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

  it('behind a proxy that refuses the input socket, the phone sends over its session, and the server still takes its input', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    try {
      // A proxy that answers the input socket's upgrade itself and closes it: no ready frame ever comes.
      let refused = 0;
      await context.routeWebSocket(/\/visitor\/input/, (ws) => {
        refused++;
        ws.close({ code: 1011, reason: 'refused by the test proxy' });
      });
      const opened = app.visitorInputSockets()!.opened;
      const pieces = (await api(app, 'GET', '/api/installations')).body as unknown as Piece[];
      const piece = pieces.find((p) => p.inputs.some((i) => i.type === 'xy'))!;
      const padId = piece.inputs.find((i) => i.type === 'xy')!.id;
      expect((await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: piece.id })).body.ok).toBe(true);
      const phone = await openPage(context, `${app.url}/visit/main`, { width: 390, height: 844 });
      const page = phone.page;
      await page.waitForFunction(() => (window as unknown as Win).__visit?.status === 'playing', undefined, { timeout: 20_000, polling: 50 });
      await page.waitForFunction(() => (window as unknown as Win).__visit.inputSocketFailures >= 1, undefined, { timeout: 20_000, polling: 50 });
      expect(refused).toBeGreaterThanOrEqual(1);
      expect(await page.evaluate(() => (window as unknown as Win).__visit.inputPath)).toBe('frames');

      const pad = page.locator(`.pad[data-input="${padId}"]`);
      const box = (await pad.boundingBox())!;
      const me = await page.evaluate(() => (window as unknown as Win).__visit.visitorId);
      const before = app.visitors.counters().accepted;
      // a mouse drag to the lower left (the pad takes pointer events)
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
      await page.mouse.down();
      for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * (0.5 - 0.03 * i), box.y + box.height * (0.5 + 0.03 * i));
      await page.mouse.up();
      // The server took the drag (the visitor list shows the visitor; the inputs were merged), and
      // no input socket reached it: the proxy answered every upgrade itself.
      await until(() => app.visitors.counters().accepted > before, 'the drag (over the session) to be taken');
      expect(app.visitors.list('main').some((v) => v.id === me)).toBe(true);
      expect(app.visitorInputSockets()!.opened).toBe(opened);
      expect(await page.evaluate(() => (window as unknown as Win).__visit.inputPath)).toBe('frames');
      expect(phone.consoleErrors.filter((e) => !/visitor\/input|WebSocket/i.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
