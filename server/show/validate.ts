import { checkParams, fail, isTimeZone, type Manifest, type Show, type WireError } from '../../protocol';

/**
 * Checks what the Show schema cannot: that a whole show document (an import) holds together and
 * can run here. Returns the first problem, naming where it is, or null when the show is sound.
 */
export function showProblem(show: Show, piece: (id: string, version?: string) => Pick<Manifest, 'id' | 'params'> | undefined): { ok: false; error: WireError } | null {
  for (const s of Object.values(show.screens)) {
    if (s.wallId && !show.walls[s.wallId]) return fail('bad_request', `screen '${s.id}' names wall '${s.wallId}', which the document does not define`);
  }
  for (const [key, s] of Object.entries(show.screens)) if (s.id !== key) return fail('bad_request', `screens.${key} has id '${s.id}'; the key and the id must match`);
  for (const [key, w] of Object.entries(show.walls)) {
    if (w.id !== key) return fail('bad_request', `walls.${key} has id '${w.id}'; the key and the id must match`);
    if (w.installationId) {
      // Checked against the version the wall plays (an uploaded piece), as the reducer does.
      const m = (w.version ? piece(w.installationId, w.version) : undefined) ?? piece(w.installationId);
      if (!m) return fail('unknown_installation', `wall '${w.id}' plays '${w.installationId}', which is not installed here`);
      const checked = checkParams(m, known(m, w.params));
      if (!checked.ok) return fail('bad_request', `wall '${w.id}': ${checked.message}`);
    }
  }
  const cueIds = new Set<string>();
  // Each cue's commands were parsed with the Show schema (CueCommand: any command but cue.*).
  for (const cue of show.cues) {
    if (cueIds.has(cue.id)) return fail('bad_request', `cue '${cue.id}' appears twice in the cue list`);
    cueIds.add(cue.id);
  }
  if (show.cuePosition >= show.cues.length) return fail('bad_request', `cuePosition ${show.cuePosition} is past the end of the cue list (${show.cues.length} cues)`);
  if (show.cueStandby > show.cues.length) return fail('bad_request', `cueStandby ${show.cueStandby} is past the end of the cue list (${show.cues.length} cues)`);
  const sched = show.schedule;
  if (!isTimeZone(sched.timezone)) return fail('bad_request', `schedule.timezone '${sched.timezone}' is not a time zone; use an IANA name like Europe/Brussels`);
  for (const e of sched.entries) if (!cueIds.has(e.cueId)) return fail('bad_request', `the schedule at ${e.time} names cue '${e.cueId}', which the document does not define`);
  for (const [wallId, pieceId] of Object.entries(sched.attract)) {
    if (!show.walls[wallId]) return fail('bad_request', `schedule.attract names wall '${wallId}', which the document does not define`);
    if (!piece(pieceId)) return fail('unknown_installation', `schedule.attract names piece '${pieceId}', which is not installed here`);
  }
  for (const [pieceId, presets] of Object.entries(show.presets)) {
    const m = piece(pieceId);
    if (!m) continue; // presets of a piece not installed here are kept, harmless until it is
    for (const [name, params] of Object.entries(presets)) {
      const checked = checkParams(m, known(m, params));
      if (!checked.ok) return fail('bad_request', `preset '${name}' of '${pieceId}': ${checked.message}`);
    }
  }
  return null;
}

/** Only the params the piece still declares: values of params a newer version dropped are harmless. */
function known(m: Pick<Manifest, 'params'>, values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([k]) => k in m.params));
}
