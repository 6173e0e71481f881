/*
 * The curved screen a piece that is not VR-capable plays on inside the headset: a section of a
 * vertical cylinder around the viewer, ahead of them (-z), its centre at eye height or above.
 * Pure math, unit tested (tests/unit/xr-curved.test.ts).
 */

export interface CurvedScreenShape {
  /** Distance from the viewer (the cylinder's axis), metres. */
  radius: number;
  /** The angle the screen spans around the viewer, radians (< π). */
  arc: number;
  /** The picture's width / height. */
  aspect: number;
  /** Columns of quads across the arc. */
  segments: number;
  /** Height of the screen's centre over the floor, metres; at least half its height plus a margin. */
  minCentreY: number;
}

export const DEFAULT_SHAPE: CurvedScreenShape = { radius: 4, arc: (96 * Math.PI) / 180, aspect: 16 / 9, segments: 48, minCentreY: 1.6 };

export interface CurvedScreenMesh {
  positions: Float32Array;
  uvs: Float32Array;
  indices: Uint16Array;
  width: number;
  height: number;
  centreY: number;
}

/**
 * The vertices of the screen: (segments + 1) × 2, u from 0 at the viewer's left to 1 at the right,
 * v from 0 at the bottom; triangles wound to face the viewer. Its height keeps the picture's aspect
 * over the arc's length, so the picture is not stretched.
 */
export function curvedScreen(shape: CurvedScreenShape): CurvedScreenMesh {
  const { radius, arc, aspect, segments } = shape;
  const width = radius * arc;
  const height = width / aspect;
  const centreY = Math.max(shape.minCentreY, height / 2 + 0.2);
  const cols = segments + 1;
  const positions = new Float32Array(cols * 2 * 3);
  const uvs = new Float32Array(cols * 2 * 2);
  for (let i = 0; i < cols; i++) {
    const u = i / segments;
    const a = (u - 0.5) * arc; // negative on the left
    const x = radius * Math.sin(a);
    const z = -radius * Math.cos(a);
    for (let row = 0; row < 2; row++) {
      const k = i * 2 + row;
      positions.set([x, centreY + (row === 0 ? -height / 2 : height / 2), z], k * 3);
      uvs.set([u, row], k * 2);
    }
  }
  const indices = new Uint16Array(segments * 6);
  for (let i = 0; i < segments; i++) {
    const bl = i * 2, tl = i * 2 + 1, br = (i + 1) * 2, tr = (i + 1) * 2 + 1;
    // Counter-clockwise seen from the axis (the viewer): bl → br → tl, tl → br → tr.
    indices.set([bl, br, tl, tl, br, tr], i * 6);
  }
  return { positions, uvs, indices, width, height, centreY };
}

/** The narrowest picture the curved screen gets, whatever the headset. */
export const MIN_PICTURE_WIDTH = 256;

/**
 * The flat picture's size in pixels for a quality level, at the picture's aspect, and no wider than
 * `maxWidth` (what the headset can show of it, headsetPictureWidth), nor narrower than MIN_PICTURE_WIDTH.
 */
export function pictureSize(aspect: number, quality: 'low' | 'medium' | 'high', maxWidth = Infinity): { width: number; height: number } {
  const byQuality = quality === 'high' ? 2048 : quality === 'medium' ? 1536 : 768;
  const width = Math.max(MIN_PICTURE_WIDTH, Math.min(byQuality, Number.isFinite(maxWidth) ? Math.ceil(maxWidth) : byQuality));
  return { width, height: Math.max(1, Math.round(width / Math.max(0.1, aspect))) };
}

/**
 * How many of the headset's pixels the curved screen spans across, in one eye: its arc (radians, seen
 * from its axis, where the viewer stands) times the eye's pixels per radian at the middle of its view,
 * (viewport width / 2) × the projection's x scale (P[0][0] = 2 / (tan left + tan right) for a
 * symmetric frustum). A picture wider than that is drawn only to be shrunk again: in software GL the
 * compositor drew the wall's picture at 768 to 2048 pixels for a 240-pixel eye (issue 18, docs/vr.md).
 * Infinity when the eye is unknown.
 */
export function headsetPictureWidth(arc: number, eyeViewportWidth: number, projectionXScale: number): number {
  const perRadian = (eyeViewportWidth / 2) * projectionXScale;
  return Number.isFinite(perRadian) && perRadian > 0 ? arc * perRadian : Infinity;
}
