import { describe as group, expect, it } from 'vitest';
import { CueCommand, type PieceSummary, type WallStatus } from '../../protocol';
import { BUILDER_TYPES, commandsOf, defaultCommand, describe, jsonRow, parseList, rowOf } from '../../client/control/cues/commands';

const wall = { id: 'main', name: 'Main', installationId: 'canopy', params: { speed: 1 } } as unknown as WallStatus;
const piece = { id: 'canopy', title: 'Canopy' } as unknown as PieceSummary;

group('the cue editor (typed commands)', () => {
  it('gives every builder form a valid command to start from', () => {
    for (const { type } of BUILDER_TYPES) {
      const c = defaultCommand(type, [wall], [piece], ['main-1']);
      expect(CueCommand.safeParse(c).success, type).toBe(true);
      expect(rowOf(c).kind, type).toBe('form');
    }
  });

  it('edits other commands as JSON, checked against the command schema as typed', () => {
    const quality = rowOf({ type: 'wall.quality', wallId: 'main', quality: 'low' });
    expect(quality.kind).toBe('json');
    expect(commandsOf([quality])).toEqual({ ok: true, value: [{ type: 'wall.quality', wallId: 'main', quality: 'low' }] });

    const rows = [rowOf({ type: 'show.blackout', on: true }), jsonRow('{"type":"wall.quality","wallId":"main","quality":"ultra"}')];
    const res = commandsOf(rows);
    expect(res.ok).toBe(false);
    expect(!res.ok && res.problem).toMatch(/^command 2 is not valid: quality/);
    expect(commandsOf([jsonRow('{"type":')]).ok).toBe(false);
  });

  it('refuses a raw list that runs another cue, saying why', () => {
    const res = parseList('[{"type":"show.blackout","on":false},{"type":"cue.go"}]');
    expect(!res.ok && res.problem).toContain('a cue cannot run other cues');
    expect(parseList('[{"type":"show.volume","volume":0.5}]')).toEqual({ ok: true, value: [{ type: 'show.volume', volume: 0.5 }] });
  });

  it('describes commands in one line each', () => {
    expect(describe({ type: 'wall.play', wallId: 'main', installationId: 'canopy', preset: 'dusk' }, [piece])).toBe('main ▶ Canopy (dusk)');
    expect(describe({ type: 'show.volume', volume: 0.25 }, [piece])).toBe('volume 25%');
    expect(describe({ type: 'wall.quality', wallId: 'main', quality: 'high' }, [piece])).toBe('main quality high');
  });
});
