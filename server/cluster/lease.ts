import type { Keys } from './keys';
import type { Redis } from './redis';
import { scripts } from './scripts';

/**
 * The writer's lease: a key in Redis with a TTL (SET NX PX, in a script with the INCR of the
 * fencing counter), renewed by its holder every third of the TTL. The holder also keeps a local
 * deadline (TTL less a margin from the moment it asked), so that it stops writing on its own when
 * it cannot renew (Redis unreachable) before another node could take the lease; the log's append
 * is fenced in Redis besides (server/cluster/scripts.ts), so even a paused holder cannot write late.
 */
export class Lease {
  /** `<token>:<node>` while held. */
  value: string | null = null;
  token: number | null = null;
  private validUntil = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    readonly node: string,
    readonly ttlMs: number,
  ) {}

  /** Held and not past its local deadline. */
  valid(): boolean {
    return this.value !== null && performance.now() < this.validUntil;
  }

  /** How long the lease stays valid here without a renewal (0 when not held). */
  remainingMs(): number {
    return this.value === null ? 0 : Math.max(0, this.validUntil - performance.now());
  }

  async tryAcquire(): Promise<boolean> {
    const t0 = performance.now();
    const token = await scripts.acquire(this.redis, this.keys.lease, this.keys.fence, this.node, this.ttlMs);
    if (token === null || token === undefined) return false;
    this.token = Number(token);
    this.value = `${this.token}:${this.node}`;
    this.validUntil = t0 + this.ttlMs - this.margin();
    return true;
  }

  /** false: the lease is no longer ours (it ran out, or another node holds it). */
  async renew(): Promise<boolean> {
    if (!this.value) return false;
    const t0 = performance.now();
    const ok = (await scripts.renew(this.redis, this.keys.lease, this.value, this.ttlMs)) === 1;
    if (ok) this.validUntil = t0 + this.ttlMs - this.margin();
    return ok;
  }

  /** Gives the lease up (a clean stop), so that another node takes it at once. */
  async release(): Promise<void> {
    const value = this.value;
    this.drop();
    if (value) await scripts.release(this.redis, this.keys.lease, value);
  }

  drop(): void {
    this.value = null;
    this.validUntil = 0;
  }

  private margin(): number {
    return Math.min(500, this.ttlMs / 5);
  }
}

/** The lease's holder as Redis says: its token and node; null when nobody holds it. */
export function parseHolder(value: string | null): { token: number; node: string } | null {
  if (!value) return null;
  const i = value.indexOf(':');
  const token = Number(value.slice(0, i));
  return i > 0 && Number.isFinite(token) ? { token, node: value.slice(i + 1) } : null;
}
