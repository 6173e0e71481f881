import os from 'node:os';

/** The machine's first IPv4 address on a network (not loopback), or null. */
export function lanAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return null;
}

const ANY = new Set(['', '0.0.0.0', '::', '[::]']);

/**
 * The server's address for others (visitor URLs, QR codes, its card and clock responder for other
 * nodes) when PAVILION_PUBLIC_URL is unset: the interface it listens on (`HOST`) when that is one
 * address, since no other address reaches it (a server on 127.0.0.1 is not on the LAN address);
 * the machine's first LAN address when it listens on every interface; else localhost. Pure but for
 * `lan`, which defaults to reading the machine's interfaces.
 */
export function defaultPublicUrl(scheme: 'http' | 'https', host: string | undefined, port: number, lan: () => string | null = lanAddress): string {
  const h = (host ?? '').trim();
  const name = ANY.has(h) ? (lan() ?? 'localhost') : h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
  return `${scheme}://${name}:${port}`;
}
