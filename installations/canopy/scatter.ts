import { useEffect, useMemo } from 'react';
import type { BufferGeometry } from 'three';
import { useRandom, useWall, type Random } from 'pavilion/sdk';

/**
 * One layer's geometry (crowns, rays, motes, rain), scattered by `build` from the wall's seeded
 * randomness (`<name>:<count>`, the same on every screen) over the wall's aspect. It is rebuilt
 * when the count or the aspect changes, and disposed when replaced or when the layer unmounts.
 */
export function useScatter<G extends BufferGeometry>(name: string, count: number, build: (rng: Random, aspect: number) => G): G {
  const { aspect } = useWall();
  const rng = useRandom(`${name}:${count}`);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const geometry = useMemo(() => build(rng, aspect), [rng, count, aspect]);
  useEffect(() => () => geometry.dispose(), [geometry]);
  return geometry;
}
