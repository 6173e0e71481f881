import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { ChildProcess } from 'node:child_process';
import { exited, startChild } from '../support/child';
import type { Ack, DisplayView } from '../../protocol';

const TLS = path.resolve(import.meta.dirname, '..', 'fixtures', 'tls');
const CERT = path.join(TLS, 'localhost.crt');
const KEY = path.join(TLS, 'localhost.key');
const ca = fs.readFileSync(CERT, 'utf8');
const TOKEN = 'https-test-admin-token-0123456789';
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) {
    c.kill('SIGTERM');
    await exited(c);
  }
});

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, headers }, (res) => {
        let text = '';
        res.on('data', (b: Buffer) => (text += b.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
      })
      .on('error', reject);
  });
}

const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-https-'));

describe('HTTPS (PAVILION_TLS_CERT / PAVILION_TLS_KEY): phones need a secure context for tilt', () => {
  it('serves the API, the visitor links and socket.io over TLS', async () => {
    const { child, url } = await startChild({ PAVILION_DATA: dataDir(), PAVILION_TLS_CERT: CERT, PAVILION_TLS_KEY: KEY, PAVILION_ADMIN_TOKEN: TOKEN });
    children.push(child);
    expect(url.startsWith('https://localhost:')).toBe(true);

    const health = await get(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok' });

    const show = (await get(`${url}/api/show`, { authorization: `Bearer ${TOKEN}` })).body as { walls: Array<{ visitUrl: string }>; screens: Array<{ id: string; displayUrl: string | null }> };
    expect(show.walls.length).toBeGreaterThan(0);
    for (const w of show.walls) expect(w.visitUrl).toMatch(/^https:\/\//);

    // A screen over WSS, trusting only this certificate.
    const socket = io(`${url}/display`, { transports: ['websocket'], forceNew: true, reconnection: false, ca });
    try {
      const key = new URL(show.screens.find((s) => s.id === 'main-1')?.displayUrl ?? `${url}/display`).searchParams.get('key') ?? '';
      const res = await socket.timeout(10_000).emitWithAck('display:hello', { screenId: 'main-1', key }) as Ack<{ view: DisplayView }>;
      expect(res.ok).toBe(true);
    } finally {
      socket.close();
    }
  });

  it('refuses to start with only one of the two, and says what to set', async () => {
    await expect(startChild({ PAVILION_DATA: dataDir(), PAVILION_TLS_CERT: CERT })).rejects.toThrow(/set both PAVILION_TLS_CERT and PAVILION_TLS_KEY/);
  });

  it('says which file it cannot read', async () => {
    await expect(startChild({ PAVILION_DATA: dataDir(), PAVILION_TLS_CERT: CERT, PAVILION_TLS_KEY: path.join(TLS, 'missing.key') })).rejects.toThrow(/PAVILION_TLS_KEY=.*missing\.key cannot be read/);
  });

  it('says when the certificate and key are not PEM', async () => {
    await expect(startChild({ PAVILION_DATA: dataDir(), PAVILION_TLS_CERT: path.join(TLS, 'README.md'), PAVILION_TLS_KEY: KEY })).rejects.toThrow(/TLS certificate or key was refused/);
  });
});
