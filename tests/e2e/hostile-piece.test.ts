/**
 * A hostile piece can do nothing (issue 11, docs/security.md). tests/fixtures/pieces/hostile is
 * packed with the real packer and uploaded by an artist; a paired screen plays it, and a signed-in
 * technician previews it. Every second, wherever it runs, it sends commands with the page's
 * cookies (fetch and a raw /control socket, relative and to every origin it can guess), reads
 * storage, cookies and the parent page, plants a session cookie, sends what it found to another
 * host (127.0.0.2) and tries to navigate the page away. After several rounds: the show is as it
 * was, the other host heard nothing, both pages are where they were, the piece still draws, and
 * the technician is still signed in. A failure prints the piece's own report of what went through.
 *
 * Twice: with the stage on the main host name and another port (the default), and with the stage
 * on another site (PAVILION_STAGE_ORIGIN), where the piece also fills the host's cookie jar (a
 * cookie bomb; on the same host name that is a documented residual risk, docs/security.md).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN, ARTIST, api, startServer, until } from '../support/server';
import { launch, waitFrames } from '../support/browser';
import { upload } from '../support/pieces';
import { STATIC_DIR, diag, pictureOf, screenUrl } from '../support/stage';
import { decodePng, variety } from '../support/image';
import { freePort, hostileReports, openUnfiltered, packHostile, startOtherHost, type HostileSeen, type OtherHost } from '../support/hostile';
import type { App } from '../../server/app';
import type { ShowView } from '../../protocol';

const ROUNDS = 5;

const previewFrames = (page: Page) => page.evaluate(() => (window as unknown as { __pavilionPreview: { framesRendered: number } }).__pavilionPreview.framesRendered);
const whereIs = (page: Page) => {
  const u = new URL(page.url());
  return u.origin + u.pathname;
};

function hostileScenario(title: string, stageOnOtherSite: boolean) {
  describe(title, () => {
    let app: App;
    let other: OtherHost;
    let browser: Browser;
    let techContext: BrowserContext;
    let screen: Page;
    let panel: Page;
    let preview: Page;
    let before: { version: number; blackout: boolean; walls: string };
    const seen: Record<string, HostileSeen[]> = {};

    const showNow = async () => {
      const res = await api(app, 'GET', '/api/show');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const view = res.body as unknown as ShowView;
      return { version: view.version, blackout: view.blackout, walls: JSON.stringify(app.store.get().walls) };
    };
    /**
     * The piece's rounds so far on `page` (keeping its latest report in `seen[name]`), or null once
     * the page is no longer on the main origin (it was navigated away).
     */
    const rounds = async (name: string, page: Page): Promise<number | null> => {
      if (!page.url().startsWith(app.url)) return null;
      const reports = await hostileReports(page);
      if (reports.length) seen[name] = reports;
      return Math.max(0, ...reports.map((r) => r.rounds));
    };
    /** What reached the other host and what the piece itself says went through, for failure messages. */
    const evidence = () => JSON.stringify({ otherHost: other.hits.slice(0, 40), pieces: seen }, null, 1);

    beforeAll(async () => {
      other = await startOtherHost();
      const bundle = await packHostile(other.url, stageOnOtherSite);
      // Another site: the main pages on `localhost`, the stage on `127.0.0.1` (cookies are kept per host name).
      const ports = stageOnOtherSite ? { port: await freePort(), stagePort: await freePort() } : null;
      app = await startServer({
        staticDir: STATIC_DIR,
        playLeadMs: 300,
        ...(ports ? { port: ports.port, stagePort: ports.stagePort, stageOrigin: `http://127.0.0.1:${ports.stagePort}`, publicUrl: `http://localhost:${ports.port}` } : {}),
      });
      const up = await upload(app, fs.readFileSync(bundle), ARTIST);
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      browser = await launch();
      const screenContext = await browser.newContext();
      techContext = await browser.newContext();

      // (a) A paired screen plays it; "before" is the show right after our own wall.play.
      ({ page: screen } = await openUnfiltered(screenContext, screenUrl(app, 'main-1')));
      await waitFrames(screen, 3);
      const startedAt = (await diag(screen)).now;
      const play = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: 'hostile' }, ADMIN);
      expect(play.status, JSON.stringify(play.body)).toBe(200);
      before = await showNow();
      expect(before.version, 'nothing may change the show between our wall.play and the snapshot').toBe((play.body as { version: number }).version);
      await until(async () => {
        const d = await diag(screen);
        return d.lastSwitch?.installationId === 'hostile' && d.lastSwitch.showTime >= startedAt;
      }, 'the screen to switch to the hostile piece', 60_000);

      // (b) A technician signs in for real (the session cookie), keeps the panel open and previews the piece.
      ({ page: panel } = await openUnfiltered(techContext, `${app.url}/control`, { width: 1100, height: 700 }));
      await panel.getByTestId('signin-token').fill(ADMIN);
      await panel.getByTestId('signin-token').press('Enter');
      await panel.getByTestId('signout').waitFor();
      ({ page: preview } = await openUnfiltered(techContext, `${app.url}/preview/hostile`, { width: 1100, height: 620 }));
      await until(async () => (await previewFrames(preview).catch(() => 0)) > 10 || !preview.url().startsWith(app.url), 'the preview to draw the piece', 60_000);

      // Several rounds of attacks on both pages (or the page is gone: that attack went through).
      await until(async () => {
        const [s, p] = await Promise.all([rounds('screen', screen), rounds('preview', preview)]);
        return (s === null || s >= ROUNDS) && (p === null || p >= ROUNDS);
      }, `the hostile piece to attack ${ROUNDS} times on the screen and in the preview`, 180_000);
      if (screen.url().startsWith(app.url)) await waitFrames(screen, 10);
      await rounds('screen', screen);
      await rounds('preview', preview);
    }, 420_000);

    afterAll(async () => {
      await browser?.close();
      await app?.close();
      await other?.close();
    });

    it('the show is as it was: same version, walls and blackout', async () => {
      expect(await showNow(), evidence()).toEqual(before);
      expect(app.store.get().walls.main?.installationId, evidence()).toBe('hostile');
    });

    it('nothing reached the other host: no connection, request, beacon, image, socket or navigation', () => {
      expect(other.hits, evidence()).toEqual([]);
    });

    it('the screen is still on /display and the preview on /preview/hostile', () => {
      expect(whereIs(screen), evidence()).toBe(`${app.url}/display`);
      expect(whereIs(preview), evidence()).toBe(`${app.url}/preview/hostile`);
    });

    it('the piece still draws its picture on the screen and in the preview', async () => {
      expect((await diag(screen)).installationId, evidence()).toBe('hostile');
      const onScreen = await pictureOf(screen);
      expect(onScreen.mean, JSON.stringify(onScreen)).toBeGreaterThan(60); // bright stripes, not black
      expect(onScreen.colours, JSON.stringify(onScreen)).toBeGreaterThan(4);
      const frames = await previewFrames(preview);
      await until(async () => (await previewFrames(preview)) > frames + 5, 'the preview to keep drawing');
      const stage = preview.locator('iframe').first();
      const inPreview = variety(decodePng(await ((await stage.count()) ? stage : preview.locator('.stage').first()).screenshot()));
      expect(inPreview.mean, JSON.stringify(inPreview)).toBeGreaterThan(60);
      expect(inPreview.colours, JSON.stringify(inPreview)).toBeGreaterThan(4);
    });

    it("the technician's session still works: signed in, and the panel still open", async () => {
      // The bomb was really thrown (set, or refused by the browser): the piece's report is trusted for that only.
      // HOSTILE_DEBUG=<path prefix>: keep what the piece reported, also when every check passes.
      if (process.env.HOSTILE_DEBUG) fs.writeFileSync(`${process.env.HOSTILE_DEBUG}-${stageOnOtherSite ? 'other-site' : 'same-host'}.json`, evidence());
      if (stageOnOtherSite) expect(Object.values(seen).flat().map((r) => r.got['cookie: bomb'] ?? r.refused['cookie: bomb'] ?? ''), evidence()).toContainEqual(expect.stringMatching(/./));
      // Asked by the panel page itself, with every cookie the browser holds for the host.
      const session = await panel.evaluate(async () => {
        const res = await fetch('/api/session');
        return { status: res.status, body: await res.text() };
      });
      expect(session, evidence()).toEqual({ status: 200, body: JSON.stringify({ ok: true, role: 'technician' }) });
      expect(await panel.getByTestId('signout').isVisible(), evidence()).toBe(true);
    });
  });
}

hostileScenario('a hostile piece can do nothing (stage on the main host name, another port)', false);
hostileScenario('a hostile piece can do nothing, cookie bomb included (stage on another site, PAVILION_STAGE_ORIGIN)', true);
