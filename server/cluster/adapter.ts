import type { createAdapter } from '@socket.io/redis-streams-adapter';

/** Events the writer sends to screens wherever they are connected: a command's effects on one screen. */
const CLUSTER_WIDE = new Set(['screen:identify', 'screen:reload', 'screen:xr']);

/**
 * Every node holds the whole show and serves its own sockets from it (views, the panel's mirror,
 * visitor frames), so their broadcasts stay on the node: through the adapter every screen would get
 * each view once per node, and a panel the mirrors of every node's screens in turn. Only the
 * effects the writer sends to one screen (identify, reload, a VR station's recenter) cross nodes.
 */
export function nodeLocal(factory: ReturnType<typeof createAdapter>): ReturnType<typeof createAdapter> {
  // A plain function, not an arrow: socket.io calls it with `new`.
  return function (nsp) {
    const adapter = factory(nsp);
    const broadcast = adapter.broadcast.bind(adapter);
    adapter.broadcast = (packet, opts) => {
      const event = (packet as { data?: unknown[] }).data?.[0];
      return broadcast(packet, typeof event === 'string' && CLUSTER_WIDE.has(event) ? opts : { ...opts, flags: { ...opts.flags, local: true } });
    };
    return adapter;
  };
}
