import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/**
 * The address a client counts as, for limits per address. Behind `trustProxy` reverse proxies
 * (hops), the address the nearest untrusted hop gave in X-Forwarded-For, read by the same
 * package fastify uses, so REST and sockets agree; with 0 (the default), the connection's own.
 */
export function clientAddress(req: IncomingMessage, trustProxy: number): string {
  if (trustProxy <= 0) return req.socket.remoteAddress ?? 'unknown';
  try {
    return proxyAddr(req, (_addr: string, i: number) => i < trustProxy);
  } catch {
    return req.socket.remoteAddress ?? 'unknown';
  }
}

/** Open connections per address, capped. */
export class AddressCounter {
  private readonly open = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Counts one more connection from `address`; false (and nothing counted) when it is at the cap. */
  tryAdd(address: string): boolean {
    const n = this.open.get(address) ?? 0;
    if (n >= this.max) return false;
    this.open.set(address, n + 1);
    return true;
  }

  remove(address: string): void {
    const n = (this.open.get(address) ?? 0) - 1;
    if (n > 0) this.open.set(address, n);
    else this.open.delete(address);
  }

  count(address: string): number {
    return this.open.get(address) ?? 0;
  }
}
