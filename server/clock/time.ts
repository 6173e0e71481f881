/** A source of show time: milliseconds since the Unix epoch on this server. Injected for tests. */
export type TimeSource = () => number;

/** The show clock (docs/sync.md): high resolution, monotonic within the process. */
export const systemTime: TimeSource = () => performance.timeOrigin + performance.now();
