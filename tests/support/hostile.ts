import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { FIXTURES, packFolder } from './pieces';

/**
 * "Another host" for a hostile piece to leak to: a listener on 127.0.0.2 (loopback, never the
 * network) that records every TCP connection, HTTP request and WebSocket upgrade it gets.
 */
export interface OtherHost {
  url: string;
  /** Every connection and request, in order ('connection', 'GET /image?d=…', 'upgrade /ws'). */
  hits: string[];
  close(): Promise<void>;
}

export async function startOtherHost(): Promise<OtherHost> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url?.slice(0, 300)}`);
    // A page to land on, so a navigation away really leaves (a 204 would keep the old page).
    if (req.url?.startsWith('/navigated') || req.url?.startsWith('/popup')) res.writeHead(200, { 'content-type': 'text/html' }).end('<title>navigated away</title>');
    else res.writeHead(204).end();
  });
  server.on('connection', () => hits.push('connection'));
  server.on('upgrade', (req, socket) => {
    hits.push(`upgrade ${req.url?.slice(0, 300)}`);
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.2', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.2:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port free on 127.0.0.1 now, for a server whose address must be known before it starts. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Packs tests/fixtures/pieces/hostile with the real packer (`npm run pack-piece`), its target.json
 * pointing at `target` (and saying whether to bomb the host with cookies): a copy of the folder in
 * a temporary directory, so the fixture stays as committed. Returns the .pavilion file's path.
 */
export async function packHostile(target: string, cookieBomb: boolean): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-hostile-'));
  const folder = path.join(dir, 'hostile'); // the folder's name is the piece's id
  fs.cpSync(path.join(FIXTURES, 'hostile'), folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'target.json'), `${JSON.stringify({ url: target, cookieBomb })}\n`);
  try {
    return await packFolder(folder);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A page with no request filtering at all (tests/support/browser.ts openPage aborts every request
 * that is not to localhost, which would hide a leak from the other host): what a hostile piece
 * can do in a plain browser is what this test must see.
 */
export async function openUnfiltered(context: BrowserContext, url: string, viewport = { width: 480, height: 270 }) {
  const page: Page = await context.newPage();
  await page.setViewportSize(viewport);
  const consoleLines: string[] = [];
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
  await page.goto(url);
  return { page, consoleLines };
}

export interface HostileSeen {
  frame: string;
  rounds: number;
  origins: string[];
  got: Record<string, string>;
  refused: Record<string, string>;
}

/** The hostile piece's own report (window.__hostile) from every frame of the page where it runs. */
export async function hostileReports(page: Page): Promise<HostileSeen[]> {
  const out: HostileSeen[] = [];
  for (const frame of page.frames()) {
    const r = await readReport(frame);
    if (r) out.push({ frame: frame.url(), ...r });
  }
  return out;
}

async function readReport(frame: Frame): Promise<Omit<HostileSeen, 'frame'> | null> {
  try {
    return await frame.evaluate(() => {
      const h = (globalThis as { __hostile?: Omit<HostileSeen, 'frame'> }).__hostile;
      return h ? { rounds: h.rounds, origins: [...h.origins], got: { ...h.got }, refused: { ...h.refused } } : null;
    });
  } catch {
    return null; // a frame that navigated or closed meanwhile
  }
}
