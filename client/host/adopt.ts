import type { ActivePiece } from './switcher';
import type { Run } from './host-types';
import { createShowTime, type Timing } from './timeline';

type TimedRun = Run & { timing: Timing };

/**
 * Whether a run already mounted (kept warm in the cache, warmed ahead of its cue, or warming for a
 * start that has since moved) can become run `a`: the same piece, version, module and seed, and
 * not failed. Then none of it is built again (client/host/host.ts, prepareIncoming).
 */
export function adoptable(r: Run, a: ActivePiece): boolean {
  return !r.failed && !!r.module && r.module === a.module && r.installationId === a.installationId && r.version === a.version && r.seed === a.seed;
}

/**
 * Run `r` re-keyed as run `a`: the same slot (its React subtree, scene, compiled programs,
 * geometry and textures), the same live `time` object (a piece may hold on to it) set back to
 * `a`'s start, and `a`'s key, start and timing. The mount layer warms it again under its new key
 * (a frame off-screen, nothing to compile) before it may switch.
 */
export function rekey(r: Run, a: ActivePiece, timing: Timing): TimedRun {
  Object.assign(r.shared.time, createShowTime(a.startedAt));
  return { ...r, key: a.key, startedAt: a.startedAt, timing };
}
