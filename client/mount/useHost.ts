import { flushSync } from '@react-three/fiber';
import { useEffect, useState } from 'react';
import type { HostSnapshot, PieceHost } from '../host';

/**
 * The host's state for a component inside a <Canvas>. A change the host marks `sync` (a switch,
 * params due) is rendered at once, inside the frame that made it, so the new piece draws on that
 * very frame; other changes render as usual.
 */
export function useHostSnapshot(host: PieceHost): HostSnapshot {
  const [snap, setSnap] = useState(() => host.snapshot());
  useEffect(() => {
    setSnap(host.snapshot()); // what changed between the first render and now
    return host.subscribe((sync) => {
      const s = host.snapshot();
      if (sync) flushSync(() => setSnap(s));
      else setSnap(s);
    });
  }, [host]);
  return snap;
}
