/**
 * Signing out in one window ends the session everywhere: the server refuses the cookie from then
 * on and closes the session's other panels, which go back to the sign-in form and say why.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN, startServer } from '../support/server';
import { launch, openPage } from '../support/browser';
import type { App } from '../../server/app';

const STATIC = process.env.PAVILION_STATIC_DIR ? path.resolve(process.env.PAVILION_STATIC_DIR) : path.resolve(import.meta.dirname, '../../dist/client');

let app: App;
let browser: Browser;

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('control panel: signing out', () => {
  it('signs out the same session in the other window too, and the old cookie stops working', async () => {
    const a = await openPage(browser, `${app.url}/control`, { width: 1000, height: 700 });
    await a.page.getByTestId('signin-token').fill(ADMIN);
    await a.page.getByTestId('signin-token').press('Enter');
    await a.page.getByTestId('signout').waitFor();
    const cookie = (await a.context.cookies()).find((c) => c.name === 'pavilion_session');
    expect(cookie).toBeDefined();

    // A second window of the same browser: the same session, signed in without a token.
    const b = await openPage(a.context, `${app.url}/control`, { width: 1000, height: 700 });
    await b.page.getByTestId('signout').waitFor();

    await a.page.getByTestId('signout').click();
    await a.page.getByTestId('signin-token').waitFor();
    await b.page.getByTestId('signin-token').waitFor();
    expect(await b.page.getByRole('status').innerText()).toMatch(/signed out.*another tab or window.*Sign in again/i);

    const reused = await fetch(`${app.url}/api/show`, { headers: { cookie: `pavilion_session=${cookie!.value}` } });
    expect(reused.status).toBe(401);
    expect(a.consoleErrors).toEqual([]);
    expect(b.consoleErrors).toEqual([]);
  });
});
