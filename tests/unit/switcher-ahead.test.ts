import { describe, expect, it } from 'vitest';
import { AHEAD_START_MS, programOf, seedOf } from '../../client/host';
import { LoadedPieces, fakeRenderer, playing, settle, testHost } from './host-fixtures';

/*
 * What the server sizes a warm switch's lead on (issue 13): a piece warmed ahead of its cue is
 * listed as warming ahead (the sounding screen then builds its sound graph, silent) until it is
 * warm, and only then reported; an adopted run's warm-up is reported when it took longer than
 * what was last reported for the piece (its sound graph built again, a starved machine), so that
 * the next lead covers it. On a fake clock.
 */

const T = 5_000_000;

function screenHost() {
  const preloads: Array<{ installationId: string; ms: number; cold: boolean; adopted?: boolean }> = [];
  const t = testHost({ pieces: new LoadedPieces(), sendPreload: (p) => preloads.push(p) });
  t.host.attachRenderer('main-1', fakeRenderer({ geometries: 0, textures: 0 }));
  return { ...t, preloads };
}

describe('warming ahead of a cue, and what the server is told', () => {
  it('a piece warmed ahead is listed as warming ahead, with a start not yet due, until it is warm; then it is reported', async () => {
    const { host, frameAt, timers, preloads } = screenHost();
    frameAt(T);
    host.warmAhead({ installationId: 'echo', version: '1.0.0', moduleUrl: null, seed: seedOf('main', 'echo') });
    await settle();
    const [echo] = host.snapshot().kept;
    expect(echo?.installationId).toBe('echo');
    expect(host.snapshot().warmingAhead, 'warming ahead: on the sounding screen with its sound graph').toEqual([echo!.slot]);
    expect(echo!.startedAt, 'not due while it warms (its sound graph is waited for)').toBe(T + AHEAD_START_MS);

    timers.advance(1800); // its mount, compile and sound graph
    host.warmed(echo!.key, 'main-1');
    expect(preloads).toEqual([{ installationId: 'echo', version: '1.0.0', ms: 1800, cold: true }]);
    expect(host.snapshot().warmingAhead, 'warm: kept dormant, its sound let go').toEqual([]);
    expect(host.snapshot().kept.map((r) => r.slot)).toEqual([echo!.slot]);
  });

  it("an adopted run's warm-up is reported marked `adopted` (the server keeps sizing a mount on the mount's time)", async () => {
    const { host, frameAt, timers, preloads } = screenHost();
    frameAt(T);
    host.warmAhead({ installationId: 'echo', version: '1.0.0', moduleUrl: null, seed: seedOf('main', 'echo') });
    await settle();
    timers.advance(400);
    host.warmed(host.snapshot().kept[0]!.key, 'main-1');
    expect(preloads.map((p) => p.ms)).toEqual([400]);

    // The cue: adopted. Its re-warm (sound graph built again) takes 300 ms: reported as an adoption.
    host.setProgram(programOf(playing('echo', T + 2000)));
    await settle();
    frameAt(T + 100);
    const inc = host.snapshot().incoming!;
    timers.advance(300);
    host.warmed(inc.key, 'main-1');
    frameAt(T + 2000);
    expect(host.lastWarm).toMatchObject({ installationId: 'echo', adopted: true });
    expect(preloads.map((p) => [p.ms, p.adopted === true]), 'the ahead warm-up a mount, the cue’s run an adoption').toEqual([
      [400, false],
      [300, true],
    ]);

    // Played again from the cache: this adoption takes 900 ms (the sounding screen under load): reported, marked.
    host.setProgram(programOf(playing('prism-field', T + 3000)));
    await settle();
    frameAt(T + 2100);
    host.warmed(host.snapshot().incoming!.key, 'main-1');
    frameAt(T + 3000);
    host.setProgram(programOf(playing('echo', T + 6000)));
    await settle();
    frameAt(T + 3100);
    const again = host.snapshot().incoming!;
    expect(again.slot, 'adopted again').toBe(inc.slot);
    timers.advance(900);
    host.warmed(again.key, 'main-1');
    expect(preloads.filter((p) => p.installationId === 'echo').map((p) => [p.ms, p.adopted === true])).toEqual([
      [400, false],
      [300, true],
      [900, true],
    ]);
  });
});
