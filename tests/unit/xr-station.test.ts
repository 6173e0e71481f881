import { describe, expect, it } from 'vitest';
import { NOT_SECURE, NO_HEADSET, NO_WEBXR, POLICY_BLOCKED, checkXrSupport, type XrEnvironment } from '../../client/xr/support';
import { LivePoses, yawOf, type PoseFrame, type PoseSource } from '../../client/xr/poses';
import { XrStation } from '../../client/xr/station';
import { curvedScreen, headsetPictureWidth, pictureSize } from '../../client/xr/curved';
import { wantsEmulator } from '../../client/xr/emulate';
import { Euler, Quaternion } from 'three';
import { XrDiag } from '../../protocol';

const xr = (supported: boolean | Error): XrEnvironment['xr'] => ({
  isSessionSupported: async () => {
    if (supported instanceof Error) throw supported;
    return supported;
  },
});

describe('whether a station can start VR, and what is missing (client/xr/support.ts)', () => {
  it('says yes only on a secure page, allowed to track, with WebXR and a headset', async () => {
    expect(await checkXrSupport({ secure: true, xr: xr(true), policyAllows: true })).toBe('yes');
    expect(await checkXrSupport({ secure: true, xr: xr(true), policyAllows: null })).toBe('yes');
  });
  it('names the first thing missing, in the order a technician fixes them', async () => {
    expect(await checkXrSupport({ secure: false, xr: xr(true), policyAllows: true })).toBe(NOT_SECURE);
    expect(await checkXrSupport({ secure: true, xr: xr(true), policyAllows: false })).toBe(POLICY_BLOCKED);
    expect(await checkXrSupport({ secure: true, xr: undefined, policyAllows: true })).toBe(NO_WEBXR);
    expect(await checkXrSupport({ secure: true, xr: xr(false), policyAllows: true })).toBe(NO_HEADSET);
    expect(await checkXrSupport({ secure: true, xr: xr(new Error('SecurityError')), policyAllows: true })).toContain('SecurityError');
    expect(NOT_SECURE).toContain('HTTPS');
    expect(NO_WEBXR).toContain('xr=emulate');
  });
  it('asks for the emulator only with xr=emulate', () => {
    expect(wantsEmulator('?xr=emulate')).toBe(true);
    expect(wantsEmulator('?screen=vr-1&xr=emulate')).toBe(true);
    expect(wantsEmulator('')).toBe(false);
    expect(wantsEmulator('?xr=1')).toBe(false);
  });
});

function frame(head: [number, number, number] | null, sources: Array<PoseSource & { at: [number, number, number] | null }>): PoseFrame {
  const t = (p: [number, number, number]) => ({ transform: { position: { x: p[0], y: p[1], z: p[2] }, orientation: { x: 0, y: 0, z: 0, w: 1 } } });
  return {
    getViewerPose: () => (head ? t(head) : null),
    getPose: (space) => {
      const s = sources.find((x) => (x.gripSpace ?? x.targetRaySpace) === space);
      return s?.at ? t(s.at) : null;
    },
    session: { inputSources: sources },
  };
}
const source = (handedness: 'left' | 'right' | 'none', at: [number, number, number] | null, pressed = false) => ({
  handedness,
  gripSpace: { id: `${handedness}-grip` },
  targetRaySpace: { id: `${handedness}-ray` },
  gamepad: { buttons: [{ pressed }, { pressed: false }] },
  at,
});

describe('the poses pieces read (client/xr/poses.ts)', () => {
  it('fills the live viewer and controllers in place, left first, and drops an untracked one', () => {
    const live = new LivePoses();
    const viewer = live.viewer;
    expect(live.read(frame([0, 1.6, 0], [source('right', [0.3, 1.2, -0.4], true), source('left', [-0.3, 1.1, -0.4])]), {})).toBe(true);
    expect(live.viewer).toBe(viewer);
    expect(viewer.position).toEqual({ x: 0, y: 1.6, z: 0 });
    expect(live.controllers.list.map((c) => c.handedness)).toEqual(['left', 'right']);
    expect(live.controllers.right).toMatchObject({ position: { x: 0.3, y: 1.2, z: -0.4 }, select: true, hand: false });
    const right = live.controllers.right;
    live.read(frame([0, 1.6, 0], [source('right', [0.5, 1, 0]), source('left', null)]), {});
    expect(live.controllers.right).toBe(right); // the same object, moved
    expect(live.controllers.right!.position.x).toBe(0.5);
    expect(live.controllers.left).toBeNull();
    // A broken runtime's pose (NaN) is skipped: the last one stays.
    live.read(frame([Number.NaN, 1.6, 0], [source('right', [Number.NaN, 1, 0])]), {});
    expect(viewer.position).toEqual({ x: 0, y: 1.6, z: 0 });
    expect(live.controllers.right!.position.x).toBe(0.5);
    expect(live.read(frame(null, []), {})).toBe(false);
    live.clear();
    expect(live.controllers.list).toEqual([]);
    expect(viewer.position).toEqual({ x: 0, y: 0, z: 0 });
  });
});

describe('the heading a recenter faces forward (client/xr/poses.ts yawOf)', () => {
  const about = (axis: [number, number, number], angle: number) => ({ x: axis[0] * Math.sin(angle / 2), y: axis[1] * Math.sin(angle / 2), z: axis[2] * Math.sin(angle / 2), w: Math.cos(angle / 2) });
  it('reads the level heading of a head turned about y, whatever its pitch', () => {
    expect(yawOf({ x: 0, y: 0, z: 0, w: 1 })).toBeCloseTo(0);
    expect(yawOf(about([0, 1, 0], 0.7))).toBeCloseTo(0.7);
    expect(yawOf(about([0, 1, 0], -2))).toBeCloseTo(-2);
    // Looking down (pitch -0.5) and tilted (roll 0.3) while turned 0.7 rad: the same heading.
    const q = new Quaternion().setFromEuler(new Euler(-0.5, 0.7, 0.3, 'YXZ'));
    expect(yawOf(q)).toBeCloseTo(0.7);
  });
});

describe('a station between and in sessions (client/xr/station.ts)', () => {
  it('reports idle, then presenting immersive-vr, then idle again; its diagnostics parse', () => {
    const st = new XrStation(true);
    expect(st.health()).toEqual({ presenting: false, mode: null });
    st.started();
    // In a session, with its adaptive quality for the panel's card (the level, the framebuffer's scale, the piece's quality).
    expect(st.health()).toEqual({ presenting: true, mode: 'immersive-vr', quality: { level: 0, levels: 6, scale: 1, piece: 'high' } });
    st.runtime.markControllersRead();
    st.poses.read(frame([0, 1.6, 0], [source('right', [0.25, 1.3, -0.5])]), {});
    const d = st.diag();
    expect(XrDiag.safeParse(d).success).toBe(true);
    expect(d).toMatchObject({ presenting: true, mode: 'immersive-vr', emulated: true, controllersRead: true, viewer: [0, 1.6, 0], controllers: [{ handedness: 'right', position: [0.25, 1.3, -0.5] }] });
    st.ended();
    expect(st.diag()).toMatchObject({ presenting: false, mode: null, viewer: null, controllers: [], controllersRead: false });
  });

  it('records a switch made on an XR frame with the show time of the frame before it', () => {
    const st = new XrStation(false);
    const before = { installationId: 'canopy', showTime: 500 };
    st.primeSwitch(before);
    st.frame(1000, before, 'immersive');
    st.frame(1014, before, 'immersive');
    expect(st.lastXrSwitch).toBeNull();
    const sw = { installationId: 'prism-field', showTime: 1028 };
    st.frame(1028, sw, 'curved-screen');
    expect(st.lastXrSwitch).toEqual({ installationId: 'prism-field', showTime: 1028, previousFrameShowTime: 1014 });
    expect(st.frames).toBe(3);
    expect(st.frameShowTime).toBe(1028);
  });
});

describe('the curved screen (client/xr/curved.ts)', () => {
  it('spans its arc ahead of the viewer at its radius, keeps the picture\'s aspect, and faces the viewer', () => {
    const m = curvedScreen({ radius: 4, arc: Math.PI / 2, aspect: 16 / 9, segments: 8, minCentreY: 1.6 });
    expect(m.width).toBeCloseTo(2 * Math.PI);
    expect(m.height).toBeCloseTo((2 * Math.PI * 9) / 16);
    expect(m.centreY).toBeGreaterThanOrEqual(m.height / 2);
    for (let i = 0; i < m.positions.length; i += 3) {
      expect(Math.hypot(m.positions[i]!, m.positions[i + 2]!)).toBeCloseTo(4);
      expect(m.positions[i + 2]!).toBeLessThan(0);
    }
    // u = 0 at the viewer's left (x < 0), 1 at the right.
    expect(m.positions[0]).toBeLessThan(0);
    expect(m.uvs[0]).toBe(0);
    expect(m.positions[m.positions.length - 3]).toBeGreaterThan(0);
    // The first triangle, seen from the axis, winds counter-clockwise (its normal points at the viewer).
    const p = (k: number) => [m.positions[k * 3]!, m.positions[k * 3 + 1]!, m.positions[k * 3 + 2]!] as const;
    const [a, b, c] = [p(m.indices[0]!), p(m.indices[1]!), p(m.indices[2]!)];
    const e1 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const e2 = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
    const n = [e1[1]! * e2[2]! - e1[2]! * e2[1]!, e1[2]! * e2[0]! - e1[0]! * e2[2]!, e1[0]! * e2[1]! - e1[1]! * e2[0]!];
    expect(n[0]! * -a[0] + n[2]! * -a[2]).toBeGreaterThan(0);
  });
  it('sizes the picture by quality at the wall\'s aspect', () => {
    expect(pictureSize(16 / 9, 'low')).toEqual({ width: 768, height: 432 });
    expect(pictureSize(2, 'high')).toEqual({ width: 2048, height: 1024 });
  });
  it("sizes the picture no wider than the headset shows it: the screen's arc times the eye's pixels per radian", () => {
    const arc = (96 * Math.PI) / 180;
    // A 90° eye 1,000 pixels wide: 500 / tan 45° = 500 pixels per radian at the middle.
    expect(headsetPictureWidth(arc, 1000, 1)).toBeCloseTo(arc * 500, 6);
    // The emulator's eye in a 480×270 canvas: 240 pixels wide; the picture needs about 300, not 768 to 2,048.
    const emulated = headsetPictureWidth(arc, 240, 1.4);
    expect(pictureSize(16 / 9, 'high', emulated)).toEqual({ width: Math.ceil(emulated), height: Math.round(Math.ceil(emulated) / (16 / 9)) });
    expect(pictureSize(16 / 9, 'low', 5000)).toEqual({ width: 768, height: 432 }); // never above the quality's width
    expect(pictureSize(16 / 9, 'low', 10)).toEqual({ width: 256, height: 144 }); // nor below the floor
    expect(headsetPictureWidth(arc, 0, 1)).toBe(Infinity); // no eye yet: the quality decides
    expect(pictureSize(16 / 9, 'medium', headsetPictureWidth(arc, 1000, NaN)).width).toBe(1536);
  });
});
