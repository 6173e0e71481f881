/**
 * The server half of bench:metrics: a real Pavilion (createApp) in its own process, its show grown
 * to `--screens` paired screens on walls of five, then `{ ready }` to the parent with what the
 * screens and the scraper need. Closes on `{ close: true }`.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { arg } from '../lib/args';
import { ROOT } from '../lib/child';
import { createApp } from '../../server/app';

const SCREENS = arg('screens', 50);
const TOKEN = 'bench-metrics-token-0123456789';
const dataDir = fs.mkdtempSync(path.join(ROOT, '.tmp', 'bench-metrics-'));
const app = await createApp({ port: 0, host: '127.0.0.1', dataDir, logger: pino({ level: 'warn' }), metricsToken: TOKEN, publicUrl: 'http://127.0.0.1' });
const must = (c: unknown) => {
  const r = app.store.dispatch(c, 'internal');
  if (!r.ok) throw new Error(`bench: ${JSON.stringify(c)} refused: ${r.error.message}`);
};
const pieceId = app.catalog.list()[0]?.id;
const keys: Record<string, string> = {};
for (let w = 0; w * 5 < SCREENS; w++) {
  const wallId = `bench-${w}`;
  const n = Math.min(5, SCREENS - w * 5);
  must({ type: 'wall.create', wallId, name: `Bench ${w}`, width: 1920 * n, height: 1080 });
  const screens = Array.from({ length: n }, (_, i) => ({ screenId: `b${w}-${i}`, rect: { x: 1920 * i, y: 0, w: 1920, h: 1080 } }));
  must({ type: 'wall.layout', wallId, width: 1920 * n, height: 1080, screens });
  for (const s of screens) {
    must({ type: 'screen.rekey', screenId: s.screenId });
    keys[s.screenId] = app.store.get().screens[s.screenId]!.key!;
  }
  if (pieceId) must({ type: 'wall.play', wallId, installationId: pieceId });
}
process.send?.({ ready: { url: app.url, token: TOKEN, keys, pieceId } });
process.on('message', (m) => {
  if ((m as { close?: boolean }).close)
    void app.close().finally(() => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
});
process.on('disconnect', () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});
