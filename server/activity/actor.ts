/**
 * Who is acting, for the activity log: set around a synchronous `store.dispatch` by the edge that
 * knows (the panel's socket knows its session, the scheduler its event), and read by the log's
 * dispatch listener, which runs inside that same call. Dispatch is synchronous, so a plain stack
 * is exact; nothing asynchronous may run between `as` and the read.
 */
const stack: string[] = [];

export function actingAs<T>(by: string, fn: () => T): T {
  stack.push(by);
  try {
    return fn();
  } finally {
    stack.pop();
  }
}

/** The innermost actor, or null outside `actingAs`. */
export function currentActor(): string | null {
  return stack.at(-1) ?? null;
}
