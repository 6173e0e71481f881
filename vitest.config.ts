import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = { 'pavilion/sdk': path.resolve(import.meta.dirname, 'sdk/index.ts') };
/**
 * Unit and integration files, two at a time at least. vitest's default (cores − 1) is one worker on
 * a 2-core machine, where these files (servers, sockets, child processes, redis) left the second
 * core idle: 312 s one at a time, 196 s two at a time, 197 s three (docs/performance.md, "The test
 * run's time"). The e2e files run alone, one at a time (fileParallelism: false), after these
 * (their own sequence.groupOrder, below).
 */
const maxWorkers = Math.max(2, os.availableParallelism() - 1);
/**
 * The files of a worker share its imported modules (vitest's `isolate: false`): each file used to
 * import the server, zod schemas, playwright and three.js afresh, about 2 s a file. Safe here
 * because no file mocks a module or leaves a global changed (fake timers are put back after each
 * test), every app keeps its own state (prom-client's registry included: server/metrics/registry.ts),
 * and server/main.ts, which holds process-wide state, is never imported by a test. Unit and
 * integration 196 s → 123 s (docs/performance.md, "The test run's time").
 */
const isolate = false;

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      { resolve: { alias }, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', maxWorkers, isolate } },
      {
        resolve: { alias },
        test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 30_000, maxWorkers, isolate },
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
          isolate,
          // A group of its own, after unit and integration: with shared modules, vitest requires
          // projects of different worker counts to be in different groups.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
