import { useEffect, useState } from 'react';
import type { Localized } from '../../protocol';
import { showNow } from './link';

/** Re-renders every `ms` and returns show time now (for "since" labels). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(showNow);
  useEffect(() => {
    const t = setInterval(() => setNow(showNow()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} days`;
}

export function clockTime(showTime: number): string {
  return new Date(showTime).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function ms(n: number | null | undefined, digits = 1): string {
  return n === null || n === undefined ? '—' : `${n.toFixed(digits)} ms`;
}

export function label(l: Localized | undefined, fallback: string): string {
  if (!l) return fallback;
  return typeof l === 'string' ? l : l.en;
}

/** A valid id (a-z, 0-9, dashes) from a human name. */
export function slug(name: string, fallback: string): string {
  const s = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return s || fallback;
}

/**
 * Calls `fn` at most once per `ms` with the latest arguments (leading and trailing), so a slider
 * drag sends ~10 updates a second and always ends on the value where it stopped.
 */
export function throttle<A extends unknown[]>(fn: (...args: A) => void, ms: number): ((...args: A) => void) & { flush(): void } {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: A | null = null;
  const run = () => {
    timer = null;
    if (!pending) return;
    const args = pending;
    pending = null;
    last = Date.now();
    fn(...args);
  };
  const t = (...args: A) => {
    pending = args;
    if (timer) return;
    const wait = Math.max(0, ms - (Date.now() - last));
    if (wait === 0) run();
    else timer = setTimeout(run, wait);
  };
  t.flush = () => {
    if (timer) clearTimeout(timer);
    run();
  };
  return t;
}
