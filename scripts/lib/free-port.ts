import net from 'node:net';

/** Whether `port` can be listened on now (on every interface, as the servers will). */
function free(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** The first port from `start` up (at most `tries` of them) that is free, skipping `taken`; throws when none is. */
export async function firstFreePort(start: number, opts: { host?: string; tries?: number; taken?: number[] } = {}): Promise<number> {
  const tries = opts.tries ?? 50;
  for (let p = start; p < start + tries && p <= 65535; p++) {
    if (opts.taken?.includes(p)) continue;
    if (await free(p, opts.host ?? '0.0.0.0')) return p;
  }
  throw new Error(`no free port in ${start}–${start + tries - 1}; stop what uses them or give the port explicitly`);
}
