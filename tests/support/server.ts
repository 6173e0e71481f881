import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
import { createApp, type App, type AppOptions } from '../../server/app';
import type { Ack, DisplayView, ShowView } from '../../protocol';

export const ADMIN = 'test-admin-token-0123456789';
export const ARTIST = 'test-artist-token-0123456789';

/** A real server on port 0 with a fresh data directory. */
export async function startServer(opts: Partial<AppOptions> = {}): Promise<App & { dataDir: string }> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-test-'));
  const app = await createApp({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logger: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    adminToken: ADMIN,
    artistToken: ARTIST,
    publicUrl: 'http://127.0.0.1',
    ...opts,
  });
  return Object.assign(app, { dataDir });
}

/**
 * A screen's key, read in-process from the show (the demo screens are paired from the start).
 * GET /api/show gives the same as each screen's `displayUrl`.
 */
export function screenKey(app: Pick<App, 'store'>, screenId: string): string {
  const key = app.store.get().screens[screenId]?.key;
  if (!key) throw new Error(`screen '${screenId}' has no key: it is not in the show, or not paired`);
  return key;
}

/** The `display:hello` of a paired screen: its id and its key. */
export const helloOf = (app: Pick<App, 'store'>, screenId: string) => ({ screenId, key: screenKey(app, screenId) });

export function client(app: { url: string }, namespace: string, auth?: Record<string, string>): Socket {
  return io(`${app.url}${namespace}`, { transports: ['websocket'], auth, forceNew: true, reconnection: false });
}

/** A display client paired as screen `screenId` (its `display:hello` answered ok), added to `open` to be closed after. */
export async function pairedScreen(app: { url: string } & Pick<App, 'store'>, screenId: string, open: Socket[]): Promise<Socket> {
  const s = client(app, '/display');
  open.push(s);
  await connected(s);
  const res = await ask<Ack<{ view: DisplayView }>>(s, 'display:hello', helloOf(app, screenId));
  expect(res.ok).toBe(true);
  return s;
}

/** The lead the server gives a `wall.play` without `at`, on a server whose clock stands still at `now`. */
export async function playLead(app: { url: string }, installationId: string, now: number, wallId = 'main'): Promise<number> {
  const res = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId, installationId });
  expect(res.status).toBe(200);
  const show = (await api(app, 'GET', '/api/show')).body as unknown as ShowView;
  return show.walls.find((w) => w.id === wallId)!.startedAt - now;
}

export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e));
  });
}

/** Emits with an ack and waits for the answer. */
export function ask<T = unknown>(socket: Socket, event: string, ...args: unknown[]): Promise<T> {
  return socket.timeout(10_000).emitWithAck(event, ...args) as Promise<T>;
}

/** Resolves with the next event of that name whose payload satisfies `pred`. */
export function nextEvent<T>(socket: Socket, event: string, pred: (p: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const handler = (p: T) => {
      if (pred(p)) {
        socket.off(event, handler);
        resolve(p);
      }
    };
    socket.on(event, handler);
  });
}

export async function api(app: { url: string }, method: string, route: string, body?: unknown, token: string | null = ADMIN) {
  const res = await fetch(`${app.url}${route}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json as Record<string, unknown> & { ok?: boolean; error?: { code: string; message: string } } };
}

/** Polls until `fn` returns a truthy value (never a fixed sleep). */
export async function until<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
