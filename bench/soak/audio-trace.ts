/**
 * What the screens' audio threads render, from a Chromium trace (bench:soak --trace-audio): Blink
 * marks each audio node's processing (`…Handler::Process`, category
 * disabled-by-default-webaudio.audionode) on the thread that renders it. Per audio thread, how many
 * of each a second and the time they took: a graph that grows (voices never released, reverbs
 * still rendered) shows as more processing events per render quantum, with their kind.
 */
import type { Browser } from 'playwright-core';
import { endTrace, startTrace, type TraceEvent } from '../switch/trace';

const CATEGORIES = ['disabled-by-default-webaudio.audionode', 'webaudio', 'audio', '__metadata'].join(',');

export interface AudioThreadTrace {
  /** The process's and thread's names, as the trace gives them. */
  thread: string;
  /** Seconds of trace. */
  seconds: number;
  /** Busiest kinds first: events a second, and their time in ms a second (nested events counted in each). */
  kinds: Array<{ name: string; perS: number; msPerS: number }>;
}

/** Traces each browser for `ms` at once, and sums the audio-node events per audio thread. */
export async function traceAudio(browsers: readonly Browser[], ms: number): Promise<AudioThreadTrace[]> {
  const per = await Promise.all(
    browsers.map(async (b) => {
      const session = await b.newBrowserCDPSession();
      try {
        await startTrace(session, CATEGORIES);
        await new Promise((r) => setTimeout(r, ms));
        return summarise(await endTrace(session));
      } catch {
        return [];
      } finally {
        await session.detach().catch(() => {});
      }
    }),
  );
  return per.flat();
}

function summarise(events: TraceEvent[]): AudioThreadTrace[] {
  const procs = new Map<number, string>();
  const threads = new Map<string, string>();
  const spans = new Map<string, Map<string, { n: number; us: number }>>();
  const open = new Map<string, Array<{ name: string; ts: number }>>();
  let t0 = Infinity;
  let t1 = -Infinity;
  const add = (key: string, name: string, us: number) => {
    let m = spans.get(key);
    if (!m) spans.set(key, (m = new Map()));
    const k = m.get(name) ?? { n: 0, us: 0 };
    k.n++;
    k.us += us;
    m.set(name, k);
  };
  for (const e of events.sort((a, b) => a.ts - b.ts)) {
    const key = `${e.pid}:${e.tid}`;
    const name = (e.args as { name?: string } | undefined)?.name;
    if (e.ph === 'M') {
      if (e.name === 'process_name' && name) procs.set(e.pid, name);
      if (e.name === 'thread_name' && name) threads.set(key, name);
      continue;
    }
    if (e.ts) {
      t0 = Math.min(t0, e.ts);
      t1 = Math.max(t1, e.ts + (e.dur ?? 0));
    }
    if (e.ph === 'X') add(key, e.name, e.dur ?? 0);
    else if (e.ph === 'B') {
      const st = open.get(key) ?? [];
      st.push({ name: e.name, ts: e.ts });
      open.set(key, st);
    } else if (e.ph === 'E') {
      const b = open.get(key)?.pop();
      if (b) add(key, b.name, e.ts - b.ts);
    }
  }
  const seconds = Math.max(1e-3, (t1 - t0) / 1e6);
  const out: AudioThreadTrace[] = [];
  for (const [key, m] of spans) {
    const thread = threads.get(key) ?? key;
    if (!/audio/i.test(thread)) continue;
    const pid = Number(key.split(':')[0]);
    const kinds = [...m]
      .map(([name, k]) => ({ name, perS: Math.round(k.n / seconds), msPerS: Math.round(k.us / seconds / 100) / 10 }))
      .sort((a, b) => b.msPerS - a.msPerS);
    out.push({ thread: `${procs.get(pid) ?? pid}/${thread} (pid ${pid})`, seconds: Math.round(seconds * 10) / 10, kinds });
  }
  return out;
}

/** One line per audio thread: its busiest kinds. */
export function formatAudioTrace(t: AudioThreadTrace, top = 8): string {
  return `${t.thread}: ${t.kinds.slice(0, top).map((k) => `${k.name.replace(/Handler::Process$/, '')} ${k.perS}/s ${k.msPerS} ms/s`).join(', ')}`;
}
