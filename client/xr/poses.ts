import type { Controller, Controllers, Viewer, XrPose } from '../../sdk/viewer';

/*
 * The viewer's head and controllers as pieces read them (sdk/viewer.ts), filled in place from each
 * XR frame before pieces run: no allocation per frame once every controller has been seen.
 */

/** The parts of WebXR this reads (so that tests can hand in plain objects). */
export interface PoseTransform {
  position: { x: number; y: number; z: number };
  orientation: { x: number; y: number; z: number; w: number };
}
export interface PoseSource {
  handedness: 'left' | 'right' | 'none';
  gripSpace?: unknown;
  targetRaySpace: unknown;
  hand?: unknown;
  gamepad?: { buttons: ReadonlyArray<{ pressed: boolean }> } | null;
}
export interface PoseFrame {
  getViewerPose(space: unknown): { transform: PoseTransform } | null | undefined;
  getPose(space: unknown, base: unknown): { transform: PoseTransform } | null | undefined;
  session: { inputSources: Iterable<PoseSource> };
}

export function emptyPose(): XrPose {
  return { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } };
}

/** The live objects one station hands its pieces. */
export class LivePoses {
  readonly viewer: Viewer = emptyPose();
  readonly controllers: Controllers = { left: null, right: null, list: [] };
  private readonly slots = new Map<string, Controller>();

  /** Reads this frame's poses in `space` (the session's reference space). Returns false when the viewer is not tracked. */
  read(frame: PoseFrame, space: unknown): boolean {
    const head = frame.getViewerPose(space);
    if (head) copy(head.transform, this.viewer);
    const c = this.controllers;
    c.left = null;
    c.right = null;
    c.list.length = 0;
    for (const src of frame.session.inputSources) {
      const pose = frame.getPose(src.gripSpace ?? src.targetRaySpace, space);
      if (!pose) continue;
      let slot = this.slots.get(src.handedness);
      if (!slot) {
        slot = { ...emptyPose(), handedness: src.handedness, select: false, squeeze: false, hand: false };
        this.slots.set(src.handedness, slot);
      }
      copy(pose.transform, slot);
      const buttons = src.gamepad?.buttons;
      slot.select = !!buttons?.[0]?.pressed;
      slot.squeeze = !!buttons?.[1]?.pressed;
      slot.hand = !!src.hand;
      if (src.handedness === 'left') c.left = slot;
      else if (src.handedness === 'right') c.right = slot;
      c.list.push(slot);
    }
    c.list.sort((a, b) => order(a.handedness) - order(b.handedness));
    return !!head;
  }

  /** Between sessions: nothing tracked. */
  clear(): void {
    Object.assign(this.viewer, emptyPose());
    this.controllers.left = this.controllers.right = null;
    this.controllers.list.length = 0;
  }
}

const order = (h: Controller['handedness']) => (h === 'left' ? 0 : h === 'right' ? 2 : 1);

/** Copies a pose; a pose that is not all finite numbers (a broken runtime) is skipped, the last one kept. */
function copy(t: PoseTransform, out: XrPose): void {
  const p = t.position, o = t.orientation;
  if (![p.x, p.y, p.z, o.x, o.y, o.z, o.w].every(Number.isFinite)) return;
  out.position.x = t.position.x;
  out.position.y = t.position.y;
  out.position.z = t.position.z;
  out.orientation.x = t.orientation.x;
  out.orientation.y = t.orientation.y;
  out.orientation.z = t.orientation.z;
  out.orientation.w = t.orientation.w;
}

/** The heading (radians about +y) a head orientation looks along, level: 0 looks down -z. */
export function yawOf(q: { x: number; y: number; z: number; w: number }): number {
  // The head's forward (0, 0, -1) turned by q, projected on the floor.
  const fx = -2 * (q.x * q.z + q.w * q.y);
  const fz = -(1 - 2 * (q.x * q.x + q.y * q.y));
  return Math.atan2(-fx, -fz);
}
