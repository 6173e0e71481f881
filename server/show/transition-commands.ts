import { fail, type Command, type PlayNotes, type Show, type Transition, type Wall } from '../../protocol';

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

/** Which screens of a wall would switch late to a piece started `availableMs` from now, and by about how much. */
export type LateScreens = (wallId: string, installationId: string, availableMs: number) => Array<{ screenId: string; byMs: number }>;

/**
 * What the ack of an applied command adds: for a wall.play with an explicit `at` too soon for some
 * screens to warm up (still accepted: the technician chose the time), which ones will be late and
 * by about how much, from their reported warm-up times, and a sentence saying so. Never silently late.
 */
export function playNotes(command: Command, now: number, lateScreens: LateScreens | undefined): PlayNotes {
  if (command.type !== 'wall.play' || command.at === undefined || !lateScreens) return {};
  const late = lateScreens(command.wallId, command.installationId, command.at - now);
  if (!late.length) return {};
  const list = late.map((l) => `${l.screenId} by about ${formatMs(l.byMs)}`).join(', ');
  return {
    late,
    warning:
      `'${command.installationId}' starts on wall '${command.wallId}' sooner than ${late.length === 1 ? 'one screen' : `${late.length} screens`} can warm it up: ` +
      `${list} will switch late (from their reported warm-up times). To switch every screen on time, start it at least ${formatMs(late[0]!.byMs)} later, or play it without \`at\`.`,
  };
}

const formatMs = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
