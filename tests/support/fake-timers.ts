/** A hand-driven clock and its timers, in the shape the phone's InputSender takes (SenderDeps' now, setTimeout, clearTimeout). */
export function fakeTimers() {
  let now = 0;
  const timers: Array<{ at: number; fn: () => void }> = [];
  return {
    now: () => now,
    setTimeout: (fn: () => void, ms: number): unknown => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimeout: (h: unknown): void => {
      const i = timers.indexOf(h as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
    /** Moves the clock on by `ms`, running each timer due on the way at its own time. */
    advance(ms: number): void {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        now = Math.max(now, due.at);
        timers.splice(timers.indexOf(due), 1);
        due.fn();
      }
      now = end;
    },
  };
}
