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
 * tokens, logs off unless BENCH_LOG, and the built client of PAVILION_STATIC_DIR when set.
 */
export function startBenchApp(name: string): Promise<BenchApp> {
  return createApp({
    port: 0,
    host: '127.0.0.1',
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), `pavilion-bench-${name}-`)),
    logger: pino({ level: process.env.BENCH_LOG ?? 'silent' }),
    adminToken: BENCH_ADMIN,
    artistToken: 'bench-artist-token-0123456789',
    publicUrl: 'http://127.0.0.1',
    ...(process.env.PAVILION_STATIC_DIR ? { staticDir: path.resolve(process.env.PAVILION_STATIC_DIR) } : {}),
  });
}
