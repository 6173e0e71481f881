import { fail, type Command, type OutputSettings, type ScreenConfig, type Show } from '../../protocol';

type OutputCommand = Extract<Command, { type: 'screen.output' | 'screen.pattern' }>;
type Result = ReturnType<typeof fail> | { ok: true; show: Show; changed: boolean; effects: [] };

const done = (show: Show, changed = true): Result => ({ ok: true, show, changed, effects: [] });
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** screen.output and screen.pattern (docs/projection.md): the screen's output stage and test pattern. Pure. */
export function reduceOutput(show: Show, c: OutputCommand): Result {
  return c.type === 'screen.output' ? output(show, c) : pattern(show, c);
}

function output(show: Show, c: Extract<OutputCommand, { type: 'screen.output' }>): Result {
  const screen = show.screens[c.screenId];
  if (!screen) return fail('unknown_screen', `there is no screen '${c.screenId}' in the show; pick one of: ${Object.keys(show.screens).join(', ') || '(none)'}`);
  const next: OutputSettings = c.reset ? {} : { ...(screen.output ?? {}) };
  const set = <K extends keyof OutputSettings>(key: K, value: OutputSettings[K] | null | undefined, identity: (v: NonNullable<OutputSettings[K]>) => boolean) => {
    if (value === undefined) return;
    if (value === null || identity(value as NonNullable<OutputSettings[K]>)) delete next[key];
    else next[key] = value;
  };
  set('corners', c.corners, (v) => same(v, [[0, 0], [1, 0], [1, 1], [0, 1]]));
  set('grid', c.grid, (g) => g.points.every((p, i) => Math.abs(p[0] - (i % g.cols) / (g.cols - 1)) < 1e-9 && Math.abs(p[1] - Math.floor(i / g.cols) / (g.rows - 1)) < 1e-9));
  if (c.blend !== undefined) {
    // Blend fields merge: a side left out keeps its width (or the layout's overlap, when it never had one).
    const blend = c.blend === null ? null : { ...(next.blend ?? {}), ...c.blend };
    set('blend', blend, (b) => Object.keys(b).length === 0);
  }
  set('brightness', c.brightness, (v) => v === 1);
  set('gain', c.gain, (v) => v.every((g) => g === 1));
  set('black', c.black, (v) => v === 0);
  set('mask', c.mask, () => false);

  if (next.corners && !convex(next.corners))
    return fail('bad_request', `the corners of screen '${c.screenId}' cross or lie in a line; give them as top-left, top-right, bottom-right, bottom-left, going round the picture`);
  const { rect } = screen;
  const b = next.blend;
  if (b) {
    const wide = (['left', 'right'] as const).find((s) => (b[s] ?? 0) > rect.w / 2) ?? (['top', 'bottom'] as const).find((s) => (b[s] ?? 0) > rect.h / 2);
    if (wide) {
      const half = wide === 'left' || wide === 'right' ? rect.w / 2 : rect.h / 2;
      return fail('bad_request', `blend.${wide} is ${b[wide]}, wider than half of screen '${c.screenId}' (${half}; widths are in the units of its rect in the wall layout, ${rect.w}×${rect.h})`);
    }
  }
  const updated: ScreenConfig = { ...screen };
  if (Object.keys(next).length) updated.output = next;
  else delete updated.output;
  if (same(updated.output, screen.output)) return done(show, false);
  return done({ ...show, screens: { ...show.screens, [c.screenId]: updated } });
}

function pattern(show: Show, c: Extract<OutputCommand, { type: 'screen.pattern' }>): Result {
  if (c.screenId !== undefined && c.wallId !== undefined) return fail('bad_request', 'screen.pattern takes a screenId or a wallId (or neither, for every screen), not both');
  let ids: string[];
  if (c.screenId !== undefined) {
    if (!show.screens[c.screenId]) return fail('unknown_screen', `there is no screen '${c.screenId}' in the show; pick one of: ${Object.keys(show.screens).join(', ') || '(none)'}`);
    ids = [c.screenId];
  } else if (c.wallId !== undefined) {
    if (!show.walls[c.wallId]) return fail('unknown_wall', `there is no wall '${c.wallId}'; pick one of: ${Object.keys(show.walls).join(', ') || '(none)'}`);
    ids = Object.values(show.screens).filter((s) => s.wallId === c.wallId).map((s) => s.id);
  } else ids = Object.keys(show.screens);
  const screens = { ...show.screens };
  let changed = false;
  for (const id of ids) {
    const s = screens[id]!;
    if ((s.pattern ?? 'none') === c.pattern) continue;
    const updated: ScreenConfig = { ...s };
    if (c.pattern === 'none') delete updated.pattern;
    else updated.pattern = c.pattern;
    screens[id] = updated;
    changed = true;
  }
  return changed ? done({ ...show, screens }) : done(show, false);
}

/** Corners that turn the same way all round, with some area: a picture can be pinned to them. */
function convex(q: ReadonlyArray<readonly [number, number]>): boolean {
  let sign = 0;
  for (let i = 0; i < q.length; i++) {
    const [ax, ay] = q[i]!, [bx, by] = q[(i + 1) % q.length]!, [cx, cy] = q[(i + 2) % q.length]!;
    const cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx);
    if (Math.abs(cross) < 1e-9 || (sign && Math.sign(cross) !== sign)) return false;
    sign = Math.sign(cross);
  }
  return true;
}
