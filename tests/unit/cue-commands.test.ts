import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { Command, Cue, CueCommand, Show, type CueCommandInput, type Manifest } from '../../protocol';
import { createFileStorage, createMemoryStorage, STORAGE_FILES } from '../../server/persistence/journal';
import { createShowStore } from '../../server/show/store';
import { demoShow } from '../../server/show/demo';

const canopy: Pick<Manifest, 'id' | 'params'> = { id: 'canopy', params: { speed: { type: 'number', min: 0, max: 2, default: 1 } } };
const piece = (id: string) => (id === 'canopy' ? canopy : undefined);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A show as an older Pavilion saved it: cue commands are plain JSON objects, as sent. */
function oldShowJson(): Record<string, unknown> {
  const show = JSON.parse(JSON.stringify(demoShow(1_700_000_000_000, () => null))) as Record<string, unknown>;
  show.cues = [
    { id: 'open', name: 'Open', commands: [{ type: 'wall.play', wallId: 'main', installationId: 'canopy', params: { speed: 2 } }, { type: 'show.blackout', on: false }] },
    { id: 'dark', name: 'Dark', commands: [{ type: 'show.volume', volume: 0.5 }, { type: 'screen.blackout', screenId: 'main-1', on: true }] },
  ];
  return show;
}

describe('cue commands are typed and parsed once, at the edge', () => {
  it('types a cue\'s commands as commands other than cue.*, uploads and pairing', () => {
    // Never in a cue: cue.* (a cue cannot run cues), piece.add/transfer (the server records uploads), pairing (a code lives minutes),
    // a VR station's kind and its session's recenter/reset (docs/vr.md).
    expectTypeOf<Cue['commands'][number]>().toEqualTypeOf<Exclude<Command, { type: `cue.${string}` | 'piece.add' | 'piece.transfer' | 'screen.pair' | 'screen.revoke' | 'screen.rekey' | 'screen.kind' | 'screen.xr' }>>();
    expectTypeOf<CueCommandInput>().toMatchTypeOf<{ type: string }>();
  });

  it('refuses a cue that runs other cues, and says so, wherever a cue comes in', () => {
    const save = Command.safeParse({ type: 'cue.save', cueId: 'loop', name: 'Loop', commands: [{ type: 'show.blackout', on: true }, { type: 'cue.go', cueId: 'loop' }] });
    expect(save.success).toBe(false);
    expect(save.error?.issues[0]?.path).toEqual(['commands', 1, 'type']);
    expect(save.error?.issues[0]?.message).toContain('a cue cannot run other cues');
    const imported = Show.safeParse({ ...oldShowJson(), cues: [{ id: 'loop', name: 'Loop', commands: [{ type: 'cue.next' }] }] });
    expect(imported.success).toBe(false);
    expect(imported.error?.issues[0]?.message).toContain('a cue cannot run other cues');
    expect(CueCommand.safeParse({ type: 'wall.explode' }).error?.issues[0]?.message).toMatch(/wall\.play/);
  });

  it('refuses a malformed cue command through the store with bad_request, naming the command', () => {
    const store = createShowStore({ initial: demoShow(0, () => null), storage: createMemoryStorage(), time: () => 1_000, piece });
    const res = store.dispatch({ type: 'cue.save', cueId: 'm', name: 'M', commands: [{ type: 'show.blackout', on: true }, { type: 'wall.play', wallId: 'main' }] });
    expect(res.ok).toBe(false);
    expect(!res.ok && res.error.code).toBe('bad_request');
    expect(!res.ok && res.error.message).toContain('commands.1.installationId');
    expect(store.get().cues).toEqual([]);
  });

  it('loads a show saved before cue commands were typed, and its cues still run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-cues-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, STORAGE_FILES.snapshot), JSON.stringify(oldShowJson()));
    const loaded = createFileStorage(dir).load();
    if (!loaded) throw new Error('the old show did not load');
    expect(loaded.cues.map((q) => q.commands.map((c) => c.type))).toEqual([['wall.play', 'show.blackout'], ['show.volume', 'screen.blackout']]);

    const store = createShowStore({ initial: loaded, storage: createMemoryStorage(), time: () => 2_000_000_000_000, piece });
    const go = store.dispatch({ type: 'cue.go' });
    if (!go.ok) throw new Error(go.error.message);
    expect(store.get().walls.main!.installationId).toBe('canopy');
    expect(store.get().walls.main!.params).toEqual({ speed: 2 });
    expect(store.dispatch({ type: 'cue.go' }).ok).toBe(true);
    expect(store.get().volume).toBe(0.5);
    expect(store.get().screens['main-1']!.blackout).toBe(true);
  });
});
