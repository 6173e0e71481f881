/**
 * Failed credentials per client address: wrong Bearer tokens, wrong session cookies, wrong
 * sign-in tokens and wrong socket tokens all count here, in one budget per address (20 a minute by
 * default). Past it, every credential from that address is refused with 429 and a Retry-After,
 * right or wrong, until the window has passed: guessing a 32-byte token stays hopeless. Memory is
 * bounded: at most `maxAddresses` are remembered, the oldest forgotten first.
 */
export class AuthFailures {
  private readonly byAddress = new Map<string, { since: number; count: number }>();

  constructor(
    private readonly now: () => number,
    private readonly opts: { max: number; windowMs: number; maxAddresses: number } = { max: 20, windowMs: 60_000, maxAddresses: 10_000 },
  ) {}

  /** Seconds until `address` may try again, or 0 when it may try now. */
  retryAfterS(address: string): number {
    const e = this.byAddress.get(address);
    if (!e) return 0;
    const left = e.since + this.opts.windowMs - this.now();
    if (left <= 0) {
      this.byAddress.delete(address);
      return 0;
    }
    return e.count >= this.opts.max ? Math.ceil(left / 1000) : 0;
  }

  /** Counts one failed credential from `address`. */
  fail(address: string): void {
    const now = this.now();
    const e = this.byAddress.get(address);
    if (e && e.since + this.opts.windowMs > now) {
      e.count++;
      return;
    }
    this.byAddress.delete(address);
    if (this.byAddress.size >= this.opts.maxAddresses) {
      const oldest = this.byAddress.keys().next().value;
      if (oldest !== undefined) this.byAddress.delete(oldest);
    }
    this.byAddress.set(address, { since: now, count: 1 });
  }
}

/** The message every refusal for too many failures carries. */
export const tooManyFailures = (retryAfterS: number) =>
  `too many wrong tokens or sign-ins from this address; wait ${retryAfterS} s and try again with the right token`;

/**
 * Whether a request's Origin is another site's. A cookie is sent by the browser whoever made the
 * request, so a request that rides on the session cookie must come from a page of this server:
 * its Origin must name this host, or one of the `trusted` URLs (the public URL the server
 * announces; the dev server's pages). `Origin: null` (an
 * opaque origin: a sandboxed frame, a file) is foreign. No Origin header at all (curl, scripts,
 * same-origin GETs in some browsers) is not.
 */
export function isForeignOrigin(origin: string | string[] | undefined, host: string | undefined, trusted: readonly string[] = []): boolean {
  if (origin === undefined) return false;
  if (Array.isArray(origin) || origin === 'null') return true;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return true;
  }
  if (host && o.host === host.toLowerCase()) return false;
  for (const t of trusted) {
    try {
      if (new URL(t).origin === o.origin) return false;
    } catch {
      /* an unreadable URL allows nothing */
    }
  }
  return true;
}
