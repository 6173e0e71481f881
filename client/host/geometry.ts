import type { WallGeometry } from 'pavilion/sdk';
import type { DisplayView } from '../../protocol';

/** The wall's size and this screen's rectangle in it, from the server's view of the screen. */
export function geometryOf(view: DisplayView): WallGeometry {
  const wall = view.wall;
  const r = view.screen.rect;
  const screen = { id: view.screen.id, x: r.x, y: r.y, w: r.w, h: r.h };
  if (!wall) return { wallId: '', width: r.w, height: r.h, aspect: r.w / r.h, screen: { ...screen, x: 0, y: 0 }, screens: [screen] };
  return {
    wallId: wall.id,
    width: wall.width,
    height: wall.height,
    aspect: wall.width / wall.height,
    screen,
    screens: wall.screens.map((s) => ({ id: s.id, ...s.rect })),
  };
}

/** One screen of a simulated wall (the preview's), as pieces see it. */
export function simulatedGeometry(wallId: string, width: number, height: number, screen: WallGeometry['screen'], screens: WallGeometry['screens']): WallGeometry {
  return { wallId, width, height, aspect: width / height, screen, screens };
}
