import { fail, type Command, type ScreenConfig, type Show, type XrAction } from '../../protocol';

type XrCommand = Extract<Command, { type: 'screen.kind' | 'screen.xr' }>;
/** A station's session is acted on now (server/transport/display.ts sends it to the station's page). */
export interface XrEffect {
  kind: 'xr';
  screenId: string;
  action: XrAction;
}
type Result = ReturnType<typeof fail> | { ok: true; show: Show; changed: boolean; effects: XrEffect[] };

const unknown = (show: Show, id: string) =>
  fail('unknown_screen', `there is no screen '${id}' in the show; pick one of: ${Object.keys(show.screens).join(', ') || '(none)'}`);

/**
 * VR stations (docs/vr.md). screen.kind makes a screen a VR station or a flat screen again; the
 * show stores only `kind: 'vr'` (absent: flat), so shows saved before VR stations load as they
 * were. screen.xr recentres or resets a station's session: an effect, nothing in the show. Pure.
 */
export function reduceXr(show: Show, c: XrCommand): Result {
  const screen = show.screens[c.screenId];
  if (!screen) return unknown(show, c.screenId);
  if (c.type === 'screen.xr') {
    if (screen.kind !== 'vr') return fail('bad_request', `screen '${c.screenId}' is not a VR station; make it one first with screen.kind (kind 'vr')`);
    return { ok: true, show, changed: false, effects: [{ kind: 'xr', screenId: c.screenId, action: c.action }] };
  }
  const updated: ScreenConfig = { ...screen };
  if (c.kind === 'vr') updated.kind = 'vr';
  else delete updated.kind;
  if (updated.kind === screen.kind) return { ok: true, show, changed: false, effects: [] };
  return { ok: true, show: { ...show, screens: { ...show.screens, [c.screenId]: updated } }, changed: true, effects: [] };
}
