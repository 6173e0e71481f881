import type { Rect, ShowView, WallStatus } from '../../../protocol';

/** A rectangle for one more screen of a wall: right of its screens, the size of the first, or at 0,0 when that leaves the wall. */
export function placeNext(show: ShowView | null, wall: WallStatus): Rect {
  const rects = (show?.screens ?? []).filter((s) => s.wallId === wall.id && s.rect).map((s) => s.rect!);
  const right = rects.reduce((m, r) => Math.max(m, r.x + r.w), 0);
  const w = rects[0]?.w ?? Math.min(1920, wall.width);
  const h = rects[0]?.h ?? Math.min(1080, wall.height);
  const x = right + w <= wall.width ? right : 0;
  return { x, y: 0, w, h };
}
