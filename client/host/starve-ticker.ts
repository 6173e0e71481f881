/**
 * The sound guard's ticks (sound-guard.ts), from a worker: one a second, each with the wall-clock
 * time since the one before. Off the main thread, so that the page's own long tasks (a compile, a
 * piece's load) do not read as starvation; a worker is a normal thread of the page's process, so a
 * process that gets no CPU (real-time audio threads taking the cores, a machine overloaded) starves
 * it as it starves the main thread, and its ticks come late.
 *   worker → page  { type: 'tick', wallMs }
 */
const TICK_MS = 1000;
let prev = performance.now();
setInterval(() => {
  const now = performance.now();
  (self as unknown as { postMessage(m: unknown): void }).postMessage({ type: 'tick', wallMs: now - prev });
  prev = now;
}, TICK_MS);
