import { checkParams, defaultParams, fail, type Command, type Show, type Wall } from '../../protocol';
import type { PieceRef, ReduceContext, ReduceResult } from './reducer';

type PieceCommand = Extract<Command, { type: 'piece.add' | 'piece.rollback' | 'piece.transfer' }>;

/**
 * The commands about uploaded pieces (pure, like the reducer that calls them):
 * - piece.add: recorded by the server when an upload is stored; the version becomes the one the
 *   next wall.play starts, and the first upload of an id names its owner;
 * - piece.rollback: makes a kept version the one wall.play starts (back, or forward again);
 * - piece.transfer: gives the id to another artist (null: technicians only).
 * With `live`, the walls playing the piece switch to that version now, all of a wall's screens on
 * the same frame, after the lead its screens need to preload it (like a wall.play).
 */
export function reducePiece(show: Show, c: PieceCommand, ctx: ReduceContext): ReduceResult {
  const id = c.pieceId;
  const ref = ctx.piece(id);
  if (!ref) return fail('unknown_installation', `there is no piece '${id}'; GET /api/pieces lists the uploaded ones`);
  if (ref.source === 'bundled') return fail('bad_request', `'${id}' is built into Pavilion: it has no owner and no versions to choose between; only uploaded pieces do`);
  const prev = show.pieces?.[id];
  const owner = prev ? prev.owner : c.type === 'piece.rollback' ? (ref.owner ?? null) : c.artist;
  if (c.type === 'piece.transfer') {
    const version = prev?.version ?? ref.version;
    if (!version) return fail('internal', `piece '${id}' has no version to record`);
    return done({ ...show, pieces: { ...show.pieces, [id]: { owner: c.artist, version } } });
  }
  const kept = ref.versions ?? [];
  if (!kept.includes(c.version))
    return fail('not_found', `piece '${id}' has no version ${c.version}; kept versions: ${kept.join(', ') || '(none)'}`);
  let next: Show = { ...show, pieces: { ...show.pieces, [id]: { owner, version: c.version } } };
  if (c.live) {
    const manifest = ctx.piece(id, c.version);
    if (!manifest) return fail('not_found', `piece '${id}' ${c.version} cannot be read on this server; upload it again`);
    const walls = { ...next.walls };
    for (const w of Object.values(next.walls)) {
      if (w.installationId !== id || w.version === c.version) continue;
      walls[w.id] = switchTo(w, manifest, c.version, ctx.now + ctx.playLeadMs(w.id, id));
    }
    next = { ...next, walls };
  }
  return done(next);
}

/** The wall restarts the piece in `version` at `at`, keeping each param value the version still accepts. */
function switchTo(w: Wall, manifest: PieceRef, version: string, at: number): Wall {
  const defaults = defaultParams(manifest);
  const kept = Object.fromEntries(Object.entries(w.params).filter(([k]) => k in manifest.params));
  const checked = checkParams(manifest, { ...defaults, ...kept });
  return { ...w, version, params: checked.ok ? checked.params : defaults, startedAt: at, paramsAt: at, pausedAt: null, heldMs: 0 };
}

function done(show: Show): ReduceResult {
  return { ok: true, show, changed: true, effects: [] };
}
