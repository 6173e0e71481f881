import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { sleep } from '../lib/child';
import { Screen, POLL_MS } from './screen';
import { api, freePort, killServer, screensOf, startServer, type Server, type Setup } from './server';

export interface RoundOptions {
  screens: number;
  downS: number;
  width: number;
  height: number;
  /** The piece each screen plays before the outage, and the one `wall.play` switches to after. */
  piece: string;
  other: string;
  staticDir: string;
  /** The server's nice value (null: as `npm start` runs it). */
  serverNice: number | null;
}

/** One screen's figures in one round (ms; null: it did not happen within the time allowed). */
export interface ScreenFigures {
  round: number;
  screenId: string;
  /** (a) from the new server's "listening" line to the page finding itself connected. */
  connectedMs: number | null;
  /** (b) from the same moment to GET /api/show listing it connected. */
  listedMs: number | null;
  /** (c) from sending the `wall.play` (right after (a)) to the page having switched. */
  playMs: number | null;
  /** The POST's round trip, within (c): the server scheduled the switch somewhere in it. */
  postMs: number | null;
  /**
   * The wall's `startedAt` (show time, the server's Date.now() on this same machine) minus the
   * bench's Date.now() when it sent the POST: the play lead plus the wait before the server took it.
   */
  scheduledMs: number | null;
  /**
   * How late the switch of (c) came after the show time the server scheduled it for (the wall's
   * `startedAt`: the POST's time plus the play lead); (c) minus this is about the lead.
   */
  lateMs: number | null;
  /** From the "listening" line to the switch: (a) plus the lag to send, plus (c). */
  backPlayingMs: number | null;
  /** Frames the screen drew per second while the server was down, and in all. */
  outageFps: number;
  outageFrames: number;
}

export interface RoundResult {
  round: number;
  /** How long the server was really away: SIGKILL to the new "listening" line (ms). */
  awayMs: number;
  /** SIGKILL to spawning the new server (ms): the --down the bench keeps. */
  downMs: number;
  screens: ScreenFigures[];
}

const WAIT_MS = 60_000;
const settle = async <T>(p: Promise<T>): Promise<T | null> => p.catch(() => null);

/** Polls GET /api/show every POLL_MS until every id is listed connected (or WAIT_MS): Date.now() of each first sighting. */
async function listedTimes(s: Server, ids: readonly string[]): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const end = Date.now() + WAIT_MS;
  while (seen.size < ids.length && Date.now() < end) {
    const t0 = Date.now();
    try {
      const list = await screensOf(s);
      const at = Date.now();
      for (const x of list) if (ids.includes(x.id) && x.connected && !seen.has(x.id)) seen.set(x.id, at);
    } catch {
      // the server is still opening: try again
    }
    await sleep(Math.max(0, POLL_MS - (Date.now() - t0)));
  }
  return seen;
}

/**
 * One round: a fresh server child (own data dir, fixed ports), `screens` screens each alone on a
 * wall of its own (so a `wall.play` measures that one screen), playing `piece`; the server is
 * SIGKILLed, kept down `downS` seconds, started again on the same ports and data dir; then (a),
 * (b), (c) per screen, and the frames drawn while it was away.
 */
export async function runRound(round: number, browsers: readonly Browser[], o: RoundOptions): Promise<RoundResult> {
  const port = await freePort();
  let stagePort = await freePort();
  while (stagePort === port) stagePort = await freePort();
  const setup: Setup = { nice: o.serverNice, port, stagePort, staticDir: o.staticDir, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-bench-reconnect-')) };
  let server: Server | null = null;
  const screens: Screen[] = [];
  try {
    server = await startServer(setup);
    const all = (await screensOf(server)).filter((x) => x.displayUrl).sort((a, b) => a.id.localeCompare(b.id));
    if (all.length < o.screens) throw new Error(`--screens ${o.screens}: the demo show has only ${all.length} paired screens; give --screens ${all.length} or fewer`);
    const chosen = all.slice(0, o.screens);
    for (const [i, x] of chosen.entries()) {
      const wallId = `bench-${i + 1}`;
      await api(server, 'POST', '/api/commands', { type: 'wall.create', wallId, name: `Bench ${i + 1}` });
      await api(server, 'POST', '/api/commands', { type: 'screen.assign', screenId: x.id, wallId, rect: { x: 0, y: 0, w: 1920, h: 1080 } });
      await api(server, 'POST', '/api/commands', { type: 'wall.play', wallId, installationId: o.piece });
    }
    // The printed address names the machine's LAN address; the bench talks to 127.0.0.1 only.
    const local = (u: string) => Object.assign(new URL(u), { host: `127.0.0.1:${port}` }).href;
    for (const [i, x] of chosen.entries()) screens.push(await Screen.open(browsers[i]!, x.id, `bench-${i + 1}`, local(x.displayUrl!), o.width, o.height));
    await Promise.all(screens.map((s) => s.playing(o.piece, 20, 120_000)));

    const killedAt = Date.now();
    await killServer(server);
    await Promise.all(screens.map((s) => s.disconnected(WAIT_MS)));
    const f0 = await Promise.all(screens.map((s) => s.frames()));
    const t0 = Date.now();
    await sleep(Math.max(0, killedAt + o.downS * 1000 - Date.now()));
    const f1 = await Promise.all(screens.map((s) => s.frames()));
    const t1 = Date.now();

    // Polling for (a) starts before the server does, so its first sighting is not late.
    const connected = screens.map((s) => settle(s.connectedAt(WAIT_MS + 30_000)));
    const restartAt = Date.now();
    server = await startServer(setup);
    const listening = server.listeningAt;
    const s2 = server;
    const listed = listedTimes(s2, screens.map((s) => s.id));
    const plays = screens.map(async (s, i) => {
      const at = await connected[i]!;
      if (at === null) return { at, sentAt: null, answeredAt: null, switchedAt: null, lateMs: null, scheduledMs: null };
      const sentAt = Date.now();
      const ok = await settle(api(s2, 'POST', '/api/commands', { type: 'wall.play', wallId: s.wallId, installationId: o.other }));
      const answeredAt = Date.now();
      const switched = ok === null ? null : await settle(s.switchedAt(o.other, WAIT_MS));
      const wall = switched === null ? undefined : (await settle(api<{ walls: Array<{ id: string; startedAt: number }> }>(s2, 'GET', '/api/show')))?.walls.find((w) => w.id === s.wallId);
      return { at, sentAt, answeredAt: ok === null ? null : answeredAt, switchedAt: switched?.at ?? null, lateMs: switched && wall ? switched.showTime - wall.startedAt : null, scheduledMs: wall ? wall.startedAt - sentAt : null };
    });
    const [listedAt, played] = await Promise.all([listed, Promise.all(plays)]);
    const since = (t: number | null | undefined, from: number) => (t === null || t === undefined ? null : t - from);
    return {
      round,
      awayMs: listening - killedAt,
      downMs: restartAt - killedAt,
      screens: screens.map((s, i) => {
        const p = played[i]!;
        return {
          round,
          screenId: s.id,
          connectedMs: since(p.at, listening),
          listedMs: since(listedAt.get(s.id), listening),
          playMs: p.sentAt === null ? null : since(p.switchedAt, p.sentAt),
          postMs: p.sentAt === null ? null : since(p.answeredAt, p.sentAt),
          scheduledMs: p.scheduledMs,
          lateMs: p.lateMs,
          backPlayingMs: since(p.switchedAt, listening),
          outageFrames: f1[i]! - f0[i]!,
          outageFps: ((f1[i]! - f0[i]!) * 1000) / Math.max(1, t1 - t0),
        };
      }),
    };
  } finally {
    await Promise.all(screens.map((s) => s.close().catch(() => undefined)));
    if (server) await killServer(server);
    fs.rmSync(setup.dataDir, { recursive: true, force: true });
  }
}
