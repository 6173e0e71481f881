/** One readable line for a command as it was sent (raw: it may be invalid), for the activity log. */
export function describeCommand(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return '(not a command)';
  const c = raw as Record<string, unknown>;
  const str = (k: string) => (typeof c[k] === 'string' ? (c[k] as string).slice(0, 80) : undefined);
  const type = str('type') ?? '(no type)';
  // Never String() a raw value: a refused command may hold anything (a deeply nested array overflows the stack).
  const on = (v: unknown) => (v === true ? 'on' : v === false ? 'off' : `(${typeof v})`);
  const parts: string[] = [type];
  const wall = str('wallId');
  const screen = str('screenId');
  if (wall) parts.push(wall);
  if (screen) parts.push(screen);
  switch (type) {
    case 'wall.play':
      parts.push(`→ ${str('installationId') ?? '?'}${str('preset') ? ` (preset ${str('preset')})` : ''}`);
      break;
    case 'wall.params':
      if (typeof c.params === 'object' && c.params) parts.push(Object.keys(c.params).slice(0, 6).join(', '));
      break;
    case 'show.blackout':
    case 'screen.blackout':
      parts.push(on(c.on));
      break;
    case 'show.volume':
      if (typeof c.volume === 'number') parts.push(`${Math.round(c.volume * 100)} %`);
      break;
    case 'cue.go':
    case 'cue.save':
    case 'cue.delete':
      parts.push(str('cueId') ?? '(standby)');
      break;
    case 'piece.add':
      parts.push(`${str('pieceId') ?? '?'} ${str('version') ?? ''}${str('artist') ? ` by ${str('artist')}` : ''}`);
      break;
    case 'piece.rollback':
      parts.push(`${str('pieceId') ?? '?'} → ${str('version') ?? '?'}`);
      break;
    case 'preset.save':
    case 'preset.delete':
      parts.push(`${str('installationId') ?? '?'}/${str('name') ?? '?'}`);
      break;
  }
  // Only a time a Date can hold (±8.64e15 ms): toISOString throws on any other.
  if (typeof c.at === 'number' && Math.abs(c.at) <= 8.64e15) parts.push(`at ${new Date(c.at).toISOString().slice(11, 19)} UTC`);
  return parts.join(' ');
}
