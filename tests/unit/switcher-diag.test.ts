import { describe, expect, it } from 'vitest';
import { StageDiag } from '../../protocol';
import { diagOf } from '../../client/stage/diag';
import { testHost } from './host-fixtures';

/*
 * The stage's diagnostics as the display page receives them (parsed once, by the protocol's
 * StageDiag): a warm switch's `adopted` and the stage's count of piece mounts reach the page's
 * window.__pavilion, so tests on the display page can read them.
 */
describe('stage diagnostics of warm switches', () => {
  it('carry lastWarm.adopted and pieceMounts through the page’s parse', () => {
    const { host } = testHost();
    host.pieceMounts = 3;
    host.lastWarm = { installationId: 'canopy', ms: 56, cold: false, lateMs: 4, adopted: true };
    const parsed = StageDiag.parse(diagOf(host, { ready: () => true, soundBlocked: () => false }, false));
    expect(parsed.pieceMounts).toBe(3);
    expect(parsed.lastWarm).toEqual({ installationId: 'canopy', ms: 56, cold: false, lateMs: 4, adopted: true });

    host.lastWarm = { installationId: 'echo', ms: 900, cold: true, lateMs: null };
    expect(StageDiag.parse(diagOf(host, { ready: () => true, soundBlocked: () => false }, false)).lastWarm).toEqual({ installationId: 'echo', ms: 900, cold: true, lateMs: null });
  });
});
