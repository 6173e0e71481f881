/**
 * A Chromium trace (CDP Tracing, on the browser's own session: every process) read around a switch:
 * per process and thread, the time its tasks took in a stretch, and the events that took it. The
 * CPU profile says what the stage's JavaScript thread did; this says what the GPU process (where
 * software WebGL draws and compiles) and the compositor did meanwhile.
 */
import type { CDPSession } from 'playwright-core';

export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number; // µs, the same clock as the CPU profiler's
  dur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
}

export const TRACE_CATEGORIES = [
  'toplevel', 'gpu', 'gpu.angle', 'gpu.service', 'disabled-by-default-gpu.service', 'viz', 'cc', 'blink', 'v8',
  'disabled-by-default-v8.gc', 'devtools.timeline', 'renderer.scheduler', 'benchmark',
].join(',');

/** Starts a trace of every process of the browser behind `session` (a browser CDP session). */
export async function startTrace(session: CDPSession, categories = TRACE_CATEGORIES): Promise<void> {
  await session.send('Tracing.start', { categories, transferMode: 'ReturnAsStream' } as never);
}

/** Ends the trace and reads its events. */
export async function endTrace(session: CDPSession): Promise<TraceEvent[]> {
  const done = new Promise<string>((resolve) => session.once('Tracing.tracingComplete' as never, ((e: { stream: string }) => resolve(e.stream)) as never));
  await session.send('Tracing.end');
  const stream = await done;
  let text = '';
  for (;;) {
    const r = (await session.send('IO.read', { handle: stream, size: 1 << 20 })) as { data: string; eof: boolean; base64Encoded?: boolean };
    text += r.base64Encoded ? Buffer.from(r.data, 'base64').toString('utf8') : r.data;
    if (r.eof) break;
  }
  await session.send('IO.close', { handle: stream });
  const parsed = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  return Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
}

/** Task-wrapping events: they say a task ran, not what it did. */
const WRAPPERS = new Set([
  'ThreadControllerImpl::RunTask', 'ThreadPool_RunTask', 'RunTask', 'TaskQueueManager::ProcessTaskFromWorkQueue', 'MessageLoop::RunTask', 'SequenceManager::DoIdleWork',
  'ThreadController::Task', 'Scheduler::RunTask', 'GpuChannel::ExecuteDeferredRequest', 'CommandBuffer::Flush', 'CommandBufferStub::OnAsyncFlush', 'CommandBufferService:PutChanged',
  'SimpleWatcher::OnHandleReady', 'Receive mojo message', 'EpollEvent',
]);

interface Span {
  name: string;
  start: number;
  end: number;
  depth: number;
}

/** Per process and thread of a trace: names, and spans (complete events, and B/E pairs) with their depth. */
export class TraceReader {
  private readonly threads = new Map<string, Span[]>();
  private readonly procNames = new Map<number, string>();
  private readonly threadNames = new Map<string, string>();

  constructor(events: TraceEvent[], private readonly offsetMs: number) {
    const open = new Map<string, Array<{ name: string; start: number }>>();
    const sorted = events.filter((e) => e.ph === 'X' || e.ph === 'B' || e.ph === 'E' || e.ph === 'M').sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    const depthStack = new Map<string, number[]>();
    for (const e of sorted) {
      const key = `${e.pid}:${e.tid}`;
      if (e.ph === 'M') {
        const n = (e.args as { name?: string } | undefined)?.name;
        if (e.name === 'process_name' && n) this.procNames.set(e.pid, n);
        if (e.name === 'thread_name' && n) this.threadNames.set(key, n);
        continue;
      }
      let spans = this.threads.get(key);
      if (!spans) this.threads.set(key, (spans = []));
      const ends = depthStack.get(key) ?? [];
      depthStack.set(key, ends);
      const push = (name: string, start: number, end: number) => {
        while (ends.length && ends[ends.length - 1]! <= start) ends.pop();
        spans.push({ name, start, end, depth: ends.length });
        ends.push(end);
      };
      if (e.ph === 'X') push(e.name, e.ts, e.ts + (e.dur ?? 0));
      else if (e.ph === 'B') {
        const st = open.get(key) ?? [];
        open.set(key, st);
        st.push({ name: e.name, start: e.ts });
      } else {
        const b = open.get(key)?.pop();
        if (b) push(b.name, b.start, e.ts);
      }
    }
  }

  /**
   * What each thread did in [from, to] (stage ms): busy ms (its outermost events, clipped) and its
   * heaviest events by name (clipped, task wrappers left out), for threads busy at least `minMs`.
   */
  stretch(from: number, to: number, minMs = 20, n = 10): Array<{ thread: string; busyMs: number; top: Array<[string, number]> }> {
    const a = (from - this.offsetMs) * 1000;
    const b = (to - this.offsetMs) * 1000;
    const out: Array<{ thread: string; busyMs: number; top: Array<[string, number]> }> = [];
    for (const [key, spans] of this.threads) {
      let busy = 0;
      const byName = new Map<string, number>();
      for (const s of spans) {
        const d = Math.min(b, s.end) - Math.max(a, s.start);
        if (d <= 0) continue;
        if (s.depth === 0) busy += d;
        if (!WRAPPERS.has(s.name)) byName.set(s.name, Math.max(byName.get(s.name) ?? 0, 0) + d);
      }
      if (busy / 1000 < minMs) continue;
      const pid = Number(key.split(':')[0]);
      out.push({
        thread: `${this.procNames.get(pid) ?? `pid ${pid}`} / ${this.threadNames.get(key) ?? key}`,
        busyMs: busy / 1000,
        top: [...byName.entries()].sort((x, y) => y[1] - x[1]).slice(0, n).map(([k, v]) => [k, v / 1000]),
      });
    }
    return out.sort((x, y) => y.busyMs - x.busyMs);
  }
}
