import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = { 'pavilion/sdk': path.resolve(import.meta.dirname, 'sdk/index.ts') };
/**
 * Unit and integration files, two at a time at least. vitest's default (cores − 1) is one worker on
 * a 2-core machine, where these files (servers, sockets, child processes, redis) left the second
 * core idle: 312 s one at a time, 196 s two at a time, 197 s three (docs/performance.md, "The test
 * run's time"). The e2e files run alone, one at a time, after these (fileParallelism: false).
 */
const maxWorkers = Math.max(2, os.availableParallelism() - 1);

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      { resolve: { alias }, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', maxWorkers } },
      {
        resolve: { alias },
        test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 30_000, maxWorkers },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
