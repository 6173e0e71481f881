/*
 * Whether this stage can start an immersive VR session, and if not, what is missing, in words a
 * technician holding a headset can act on (docs/vr.md, "When Enter VR is missing").
 */

/** What the check reads from the page (the stage frame's window in production; fakes in tests). */
export interface XrEnvironment {
  /** window.isSecureContext: WebXR exists only on HTTPS pages and localhost. */
  secure: boolean;
  /** navigator.xr, when the browser has WebXR. */
  xr: { isSessionSupported(mode: 'immersive-vr'): Promise<boolean> } | undefined;
  /** Whether the frame's permissions policy allows 'xr-spatial-tracking'; null when the browser cannot say. */
  policyAllows: boolean | null;
}

/** 'yes', or the sentence that explains what is missing. */
export type XrSupport = 'yes' | string;

export const NOT_SECURE =
  'WebXR needs a secure page: open this screen over HTTPS (docs/operations.md, "HTTPS") or as http://localhost on the headset itself, not over plain http on the network.';
export const POLICY_BLOCKED =
  'This page may not use WebXR: the screen page must embed its stage with allow="xr-spatial-tracking", and neither origin may forbid xr-spatial-tracking in its Permissions-Policy header.';
export const NO_WEBXR =
  "This browser has no WebXR. Open this address in a headset's own browser (Meta Quest Browser, Pico Browser, Safari on Apple Vision Pro), or add &xr=emulate to the address to try the station with an emulated headset.";
export const NO_HEADSET =
  'This browser has WebXR but no VR headset to present to (immersive-vr is not supported here). Open this address in the headset\'s own browser, connect a PC VR headset, or add &xr=emulate to the address to try it with an emulated headset.';

/** Works out whether immersive-vr can start here. Never throws. */
export async function checkXrSupport(env: XrEnvironment): Promise<XrSupport> {
  if (!env.secure) return NOT_SECURE;
  if (env.policyAllows === false) return POLICY_BLOCKED;
  if (!env.xr) return NO_WEBXR;
  try {
    return (await env.xr.isSessionSupported('immersive-vr')) ? 'yes' : NO_HEADSET;
  } catch (e) {
    return `The browser refused to say whether it can run VR (${e instanceof Error ? e.message : String(e)}); check that the page is allowed to use WebXR, then reload.`;
  }
}

/** The stage window's environment, as checkXrSupport reads it. */
export function environmentOf(win: Window): XrEnvironment {
  const doc = win.document as Document & { permissionsPolicy?: { allowsFeature(f: string): boolean }; featurePolicy?: { allowsFeature(f: string): boolean } };
  const policy = doc.permissionsPolicy ?? doc.featurePolicy;
  let policyAllows: boolean | null = null;
  try {
    policyAllows = policy ? policy.allowsFeature('xr-spatial-tracking') : null;
  } catch {
    policyAllows = null;
  }
  const xr = (win.navigator as Navigator & { xr?: XrEnvironment['xr'] }).xr;
  return { secure: win.isSecureContext, xr, policyAllows };
}
