import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createApp } from '../../server/app';

/** The technician token of a bench's in-process server. */
export const BENCH_ADMIN = 'bench-admin-token-0123456789';

export type BenchApp = Awaited<ReturnType<typeof createApp>>;

/**
 * The real server in this process for a bench: a temporary data dir named for the bench, the bench
 * tokens, logs off unless BENCH_LOG, and the built client of `staticDir` (default PAVILION_STATIC_DIR
 * when set). `dataDir` is the temporary data dir, for the bench to remove after `close()`.
 */
export async function startBenchApp(name: string, staticDir: string | undefined = process.env.PAVILION_STATIC_DIR): Promise<BenchApp & { dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `pavilion-bench-${name}-`));
  const app = await createApp({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logger: pino({ level: process.env.BENCH_LOG ?? 'silent' }),
    adminToken: BENCH_ADMIN,
    artistToken: 'bench-artist-token-0123456789',
    publicUrl: 'http://127.0.0.1',
    ...(staticDir ? { staticDir: path.resolve(staticDir) } : {}),
  });
  return Object.assign(app, { dataDir });
}
