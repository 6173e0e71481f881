import { fail, type Command, type Show, type Transition, type Wall } from '../../protocol';

/** The transition a wall.play brings its piece in with: its own, else the wall's default, else a cut. */
export function transitionOf(wall: Wall, asked: Transition | undefined): Transition | undefined {
  const t = asked ?? wall.defaultTransition;
  return t && t.type !== 'cut' && t.ms > 0 ? t : undefined;
}

/** wall.transition: sets the wall's default transition (docs/display.md, "Transitions"). Pure. */
export function reduceTransition(show: Show, c: Extract<Command, { type: 'wall.transition' }>) {
  const wall = show.walls[c.wallId];
  if (!wall) return fail('unknown_wall', `there is no wall '${c.wallId}'; pick one of: ${Object.keys(show.walls).join(', ') || '(none)'}`);
  const next: Wall = { ...wall };
  if (c.transition.type === 'cut' || c.transition.ms === 0) delete next.defaultTransition;
  else next.defaultTransition = { type: c.transition.type, ms: c.transition.ms };
  return { ok: true as const, show: { ...show, walls: { ...show.walls, [c.wallId]: next } }, changed: true, effects: [] };
}
