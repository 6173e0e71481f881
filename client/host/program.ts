import type { DisplayView, ParamValues, Quality } from '../../protocol';
import type { Target } from './switcher';

/** What the show wants this host to draw: the run, its params (from a show time on), its pause state and quality. */
export interface Program {
  target: Target | null;
  /** The wall it comes from (its runs' seeds are that wall's: seedOf). */
  wallId?: string;
  params: ParamValues;
  /** Show time at which `params` take effect. */
  paramsAt: number;
  /** Show time at which the wall froze, or null while it runs. */
  pausedAt: number | null;
  /** Milliseconds the run spent paused (before the current pause). */
  heldMs: number;
  /** The wall's quality setting ('auto': each screen picks from its GPU and size). */
  quality: Quality;
}

type WallView = NonNullable<DisplayView['wall']>;

/**
 * The seed of a piece's runs on a wall (useRandom): the same on every screen of the wall, and for
 * every run of that piece there, so that a run kept warm (mounted, dormant) can be adopted by the
 * next run of its piece without drawing anything anew (client/host/host.ts, "adopt"): same seed,
 * same geometry, same picture as a screen that mounts it fresh.
 */
export const seedOf = (wallId: string, installationId: string): string => `${wallId}:${installationId}`;

/**
 * The run a wall plays: its key changes with the piece, its version and its start. `gate`: the
 * server gathers the wall's readiness (DisplayView.gate), so the run waits for its go.
 */
export function targetOf(wall: WallView, gate = false): Target {
  const m = wall.manifest;
  if (!wall.installationId) return { key: `none@${wall.startedAt}`, installationId: null, version: null, moduleUrl: null, startedAt: wall.startedAt, seed: '' };
  const t = wall.transition;
  return {
    ...(gate ? { gated: true as const } : {}),
    key: `${wall.installationId}@${m?.version ?? '?'}@${wall.startedAt}`,
    installationId: wall.installationId,
    version: m?.version ?? null,
    moduleUrl: m?.moduleUrl ?? null,
    startedAt: wall.startedAt,
    seed: seedOf(wall.id, wall.installationId),
    ...(t && t.type !== 'cut' && t.ms > 0 ? { transition: { type: t.type, ms: t.ms } } : {}),
  };
}

/** A screen's program, from the server's view of its wall (null: the screen belongs to no wall); `gate`: DisplayView.gate. */
export function programOf(wall: DisplayView['wall'], gate = false): Program | null {
  if (!wall) return null;
  return {
    target: targetOf(wall, gate),
    wallId: wall.id,
    params: wall.params,
    paramsAt: wall.paramsAt,
    pausedAt: wall.pausedAt,
    heldMs: wall.heldMs,
    quality: wall.quality ?? 'auto',
  };
}
