import { CueCommand, CueCommandList, describeIssues, type Cue, type CueCommandInput, type PieceSummary, type WallStatus } from '../../../protocol';
import { describeTransition } from '../pieces/transition';

/** Command types the cue builder has a form for; anything else is edited as JSON. */
export const BUILDER_TYPES = [
  { type: 'wall.play', label: 'Play a piece on a wall' },
  { type: 'wall.params', label: 'Set params on a wall' },
  { type: 'wall.stop', label: 'Stop a wall' },
  { type: 'wall.pause', label: 'Pause a wall' },
  { type: 'wall.resume', label: 'Resume a wall' },
  { type: 'show.blackout', label: 'Master blackout' },
  { type: 'screen.blackout', label: 'Black out one screen' },
  { type: 'show.volume', label: 'Master volume' },
  { type: 'wall.visitors', label: 'Visitor settings of a wall' },
] as const satisfies ReadonlyArray<{ type: CueCommand['type']; label: string }>;

export type BuilderType = (typeof BUILDER_TYPES)[number]['type'];
/** A command the builder edits with a form. */
export type BuilderCommand = Extract<CueCommandInput, { type: BuilderType }>;

/** What a JSON field holds: the text as typed, and the command it parses to, or why not. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** One line of the cue editor: a form for the common commands, JSON text for the rest. */
export type CueRow = { kind: 'form'; command: BuilderCommand } | { kind: 'json'; text: string; parsed: Parsed<CueCommandInput> };

export function isBuilderType(type: string): type is BuilderType {
  return BUILDER_TYPES.some((t) => t.type === type);
}

function isBuilderCommand(c: CueCommandInput): c is BuilderCommand {
  return isBuilderType(c.type);
}

/** Parses JSON text with a schema: the value, or a sentence saying what is wrong. */
export function parseJson<T>(text: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } } }): Parsed<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `not valid JSON (${(e as Error).message})` };
  }
  const res = schema.safeParse(value);
  return res.success ? { ok: true, value: res.data } : { ok: false, problem: describeIssues(res.error.issues) };
}

export function jsonRow(text: string): CueRow {
  return { kind: 'json', text, parsed: parseJson(text, CueCommand) };
}

export function rowOf(c: CueCommandInput): CueRow {
  return isBuilderCommand(c) ? { kind: 'form', command: c } : jsonRow(JSON.stringify(c));
}

/** The rows' commands, or the first row that is not a valid command yet (1-based). */
export function commandsOf(rows: CueRow[]): Parsed<CueCommandInput[]> {
  const out: CueCommandInput[] = [];
  for (const [i, row] of rows.entries()) {
    if (row.kind === 'form') out.push(row.command);
    else if (row.parsed.ok) out.push(row.parsed.value);
    else return { ok: false, problem: `command ${i + 1} is not valid: ${row.parsed.problem}` };
  }
  return { ok: true, value: out };
}

/** The whole list as raw JSON, e.g. [{"type":"show.blackout","on":true}]. */
export function parseList(text: string): Parsed<CueCommandInput[]> {
  return parseJson(text, CueCommandList);
}

export function defaultCommand(type: BuilderType, walls: WallStatus[], pieces: PieceSummary[], screens: string[]): BuilderCommand {
  const wallId = walls[0]?.id ?? '';
  switch (type) {
    case 'wall.play':
      return { type, wallId, installationId: walls[0]?.installationId ?? pieces[0]?.id ?? '' };
    case 'wall.params':
      return { type, wallId, params: {} }; // set with the piece's controls; nothing pre-filled from another wall
    case 'wall.stop':
    case 'wall.pause':
    case 'wall.resume':
      return { type, wallId };
    case 'show.blackout':
      return { type, on: true };
    case 'screen.blackout':
      return { type, screenId: screens[0] ?? '', on: true };
    case 'show.volume':
      return { type, volume: 0.8 };
    case 'wall.visitors':
      return { type, wallId, showQr: true };
  }
}

/** One line per command, for the cue list. */
export function describe(c: CueCommandInput, pieces: PieceSummary[]): string {
  const title = (id: string) => pieces.find((p) => p.id === id)?.title ?? id;
  switch (c.type) {
    case 'wall.play':
      return `${c.wallId} ▶ ${title(c.installationId)}${c.preset ? ` (${c.preset})` : ''}${c.transition && c.transition.type !== 'cut' && c.transition.ms ? `, ${describeTransition({ type: c.transition.type, ms: c.transition.ms })}` : ''}`;
    case 'wall.params':
      return `${c.wallId} params ${Object.entries(c.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`;
    case 'wall.stop':
      return `${c.wallId} ■ stop`;
    case 'wall.pause':
      return `${c.wallId} ❚❚ pause`;
    case 'wall.resume':
      return `${c.wallId} resume`;
    case 'wall.quality':
      return `${c.wallId} quality ${c.quality}`;
    case 'show.blackout':
      return c.on ? 'blackout ON' : 'blackout off';
    case 'screen.blackout':
      return `${c.screenId} ${c.on ? 'black' : 'unblack'}`;
    case 'show.volume':
      return `volume ${Math.round(c.volume * 100)}%`;
    default:
      return c.type;
  }
}

/**
 * The piece a wall plays when row `i` of a cue runs, as the server checks it (server/show/cue-checks.ts):
 * this cue's own earlier wall.play or wall.stop, else the cues before it in the list, else what the wall plays now.
 */
export function pieceBefore(rows: CueRow[], i: number, wallId: string, walls: WallStatus[], earlier: Cue[]): string | null {
  const commands: CueCommandInput[] = [...earlier.flatMap((q) => q.commands), ...rows.slice(0, i).flatMap((r) => (r.kind === 'form' ? [r.command] : r.parsed.ok ? [r.parsed.value] : []))];
  for (const c of commands.reverse()) {
    if (c.type === 'wall.play' && c.wallId === wallId) return c.installationId;
    if (c.type === 'wall.stop' && c.wallId === wallId) return null;
  }
  return walls.find((w) => w.id === wallId)?.installationId ?? null;
}
