import type { Show, Wall } from '../../protocol';

function wall(id: string, name: string, width: number, height: number, now: number, installationId: string | null): Wall {
  return {
    id, name, width, height, installationId, params: {}, startedAt: now, paramsAt: now, pausedAt: null, heldMs: 0,
    audioScreens: [], visitorCap: 200, visitorInput: true, showQr: false, quality: 'auto',
  };
}

/** The show a first start creates: a 3×1 wall `main`, a single-screen wall `canopy` and a VR wall `vr` with one station (docs/vr.md). */
export function demoShow(now: number, pick: (preferred: string[]) => string | null): Show {
  const main = wall('main', 'Main wall (3×1)', 5760, 1080, now, pick(['prism-field', 'canopy']));
  const canopy = wall('canopy', 'Canopy', 1920, 1080, now, pick(['canopy', 'prism-field']));
  const vr = wall('vr', 'VR stations', 1920, 1080, now, pick(['canopy', 'prism-field']));
  return {
    format: 'pavilion.show/1',
    version: 0,
    walls: { main, canopy, vr },
    screens: {
      'main-1': { id: 'main-1', wallId: 'main', rect: { x: 0, y: 0, w: 1920, h: 1080 }, blackout: false },
      'main-2': { id: 'main-2', wallId: 'main', rect: { x: 1920, y: 0, w: 1920, h: 1080 }, blackout: false },
      'main-3': { id: 'main-3', wallId: 'main', rect: { x: 3840, y: 0, w: 1920, h: 1080 }, blackout: false },
      'canopy-1': { id: 'canopy-1', wallId: 'canopy', rect: { x: 0, y: 0, w: 1920, h: 1080 }, blackout: false },
      'vr-1': { id: 'vr-1', wallId: 'vr', rect: { x: 0, y: 0, w: 1920, h: 1080 }, blackout: false, kind: 'vr' },
    },
    blackout: false,
    volume: 0.8,
    presets: {},
    cues: [],
    cuePosition: -1,
    cueStandby: 0,
    schedule: { enabled: false, timezone: serverZone(), opening: '10:00', closing: '20:00', attract: {}, entries: [] },
  };
}

/** Fills in each wall's params with the piece defaults when a demo show is first made. */
export function emptyShow(): Show {
  return {
    format: 'pavilion.show/1', version: 0, walls: {}, screens: {}, blackout: false, volume: 0.8, presets: {}, cues: [],
    cuePosition: -1, cueStandby: 0,
    schedule: { enabled: false, timezone: serverZone(), opening: '10:00', closing: '20:00', attract: {}, entries: [] },
  };
}

/** The server's own time zone (IANA), where a new show's schedule starts: the panel shows it next to every time. */
export function serverZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}
