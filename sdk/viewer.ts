import { createContext, useContext } from 'react';

/*
 * The viewer of a VR station (docs/vr.md): the head pose and the controllers, in metres in the
 * station's `local-floor` space (y up from the floor, -z ahead of where the viewer stood when the
 * session began or was last recentred). Live objects, updated in place on every XR frame before
 * pieces run: read them inside useFrame, as with useShowTime().
 */

export interface XrVec3 {
  x: number;
  y: number;
  z: number;
}

export interface XrQuat {
  x: number;
  y: number;
  z: number;
  w: number;
}

/** A tracked pose: where it is and which way it turns. */
export interface XrPose {
  position: XrVec3;
  orientation: XrQuat;
}

/** The viewer's head. */
export type Viewer = XrPose;

/** One controller (or a tracked hand, by its grip). */
export interface Controller extends XrPose {
  handedness: 'left' | 'right' | 'none';
  /** The primary button (trigger, or a pinch) is held. */
  select: boolean;
  /** The grip button (or a fist) is held. */
  squeeze: boolean;
  /** A tracked hand rather than a controller. */
  hand: boolean;
}

/** The controllers tracked on this frame; a side is null while its controller is not tracked. */
export interface Controllers {
  left: Controller | null;
  right: Controller | null;
  /** Every tracked one, left first. */
  list: Controller[];
}

/** What a VR station hands its pieces while the viewer is in the session (the stage sets it; pieces never do). */
export interface XrRuntime {
  viewer: Viewer;
  controllers: Controllers;
  /** Called once by useControllers(): the station reports that its piece follows the hands (diagnostics). */
  markControllersRead(): void;
}

export const XrContext = createContext<XrRuntime | null>(null);

/**
 * The viewer's head pose while this screen is a VR station in an immersive session; null on a
 * flat screen (and on a station between sessions). A piece that returns different things for
 * null and non-null is VR-capable: declare `"vr": true` in its manifest.
 */
export function useViewer(): Readonly<Viewer> | null {
  return useContext(XrContext)?.viewer ?? null;
}

/** The viewer's controllers (or hands) in an immersive session; null on a flat screen. Read inside useFrame. */
export function useControllers(): Readonly<Controllers> | null {
  const xr = useContext(XrContext);
  if (!xr) return null;
  xr.markControllersRead();
  return xr.controllers;
}
