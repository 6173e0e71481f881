import net from 'node:net';

/** The default allow-list: this machine only. */
export const LOOPBACK_ONLY = ['127.0.0.0/8', '::1'];

/**
 * Who may send OSC (and venue protocols like it, which have no authentication): addresses and CIDR
 * blocks, IPv4 or IPv6. An IPv4 sender seen as an IPv4-mapped IPv6 address (`::ffff:10.0.0.5`)
 * is checked as IPv4.
 */
export interface AllowList {
  allows(address: string | undefined): boolean;
  /** The list as given, for logs and docs. */
  readonly entries: readonly string[];
}

/**
 * Parses `10.0.0.0/24`, `192.168.1.20`, `::1`, `fd00::/8`, … Throws on the first entry that is
 * neither, saying what to give.
 */
export function parseAllowList(entries: readonly string[], what = 'PAVILION_OSC_ALLOW'): AllowList {
  const list = new net.BlockList();
  const kept: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    const [addr = '', bits, extra] = entry.split('/');
    const family = net.isIPv4(addr) ? 'ipv4' : net.isIPv6(addr) ? 'ipv6' : null;
    const max = family === 'ipv4' ? 32 : 128;
    const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (!family || extra !== undefined || !(prefix >= 0 && prefix <= max))
      throw new Error(`config: ${what} entry '${entry.slice(0, 60)}' is not an address or a CIDR block; give e.g. 192.168.1.20, 10.0.0.0/24 or ::1, separated by commas`);
    if (prefix === max) list.addAddress(addr, family);
    else list.addSubnet(addr, prefix, family);
    kept.push(entry);
  }
  return {
    entries: kept,
    allows(address) {
      if (!address) return false;
      const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
      const a = mapped ?? address;
      const family = net.isIPv4(a) ? 'ipv4' : net.isIPv6(a) ? 'ipv6' : null;
      return family !== null && list.check(a, family);
    },
  };
}
