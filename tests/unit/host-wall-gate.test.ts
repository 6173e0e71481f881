import { describe, expect, it } from 'vitest';
import { WARM_WAIT_MS, programOf, type RendererLike } from '../../client/host';
import type { DisplayReady } from '../../protocol';
import { playing, testHost } from './host-fixtures';

const T = 5_000_000;
const renderer = (): RendererLike => ({ info: { memory: { geometries: 0, textures: 0 }, programs: [] }, getContext: () => ({}) as WebGLRenderingContext });

/** A screen of a served wall: its view says the server gathers the wall's readiness (DisplayView.gate). */
function gatedScreen() {
  const readies: DisplayReady[] = [];
  const t = testHost({ sendReady: (r) => readies.push(r) });
  t.host.attachRenderer('main-1', renderer());
  return { ...t, readies };
}

describe('host: a wall switches as one (the server’s go)', () => {
  it('reports the run ready once it is warm, then holds it past its start until the go, and switches on the go’s frame', async () => {
    const { host, pieces, frameAt, readies } = gatedScreen();
    host.setProgram(programOf(playing('canopy', T), true));
    await pieces.arrive('canopy');
    frameAt(T - 500);
    expect(readies).toEqual([]); // the module alone is not ready: it warms first
    host.warmed(`canopy@1.0.0@${T}`, 'main-1');
    expect(readies).toEqual([{ key: `canopy@1.0.0@${T}`, startedAt: T }]);
    frameAt(T + 20);
    expect(host.snapshot().run).toBeNull(); // warm and due, but another screen of the wall is not ready
    expect(host.switching().holding).toBe(true);
    host.go(`canopy@1.0.0@${T}`, T + 300);
    frameAt(T + 299);
    expect(host.snapshot().run).toBeNull();
    frameAt(T + 301);
    expect(host.snapshot().run?.installationId).toBe('canopy');
    expect(host.lastSwitch?.showTime).toBe(T + 301);
    expect(readies).toHaveLength(1); // told once
  });

  it('a go heard before the start switches on the first frame at or after the start, as without a gate', async () => {
    const { host, pieces, frameAt } = gatedScreen();
    host.setProgram(programOf(playing('echo', T), true));
    await pieces.arrive('echo');
    frameAt(T - 1000);
    host.warmed(`echo@1.0.0@${T}`, 'main-1');
    host.go(`echo@1.0.0@${T}`, T);
    frameAt(T - 1);
    expect(host.snapshot().run).toBeNull();
    frameAt(T);
    expect(host.lastSwitch).toEqual({ installationId: 'echo', showTime: T });
  });

  it('a go for another run does not open this one', async () => {
    const { host, pieces, frameAt } = gatedScreen();
    host.setProgram(programOf(playing('echo', T), true));
    await pieces.arrive('echo');
    host.warmed(`echo@1.0.0@${T}`, 'main-1');
    host.go(`echo@1.0.0@${T - 5000}`, T);
    frameAt(T + 100);
    expect(host.snapshot().run).toBeNull();
  });

  it('with no go at all (the server gone), it switches WARM_WAIT_MS after the start, the show time every screen of the wall switches at', async () => {
    const { host, pieces, frameAt } = gatedScreen();
    host.setProgram(programOf(playing('facade', T), true));
    await pieces.arrive('facade');
    host.warmed(`facade@1.0.0@${T}`, 'main-1');
    frameAt(T + WARM_WAIT_MS - 1);
    expect(host.snapshot().run).toBeNull();
    frameAt(T + WARM_WAIT_MS);
    expect(host.snapshot().run?.installationId).toBe('facade');
  });

  it('a module that fails to load is ready too (its fallback is), and waits for the go like the others', async () => {
    const { host, pieces, frameAt, readies } = gatedScreen();
    host.setProgram(programOf(playing('prism-field', T), true));
    await pieces.fail('prism-field', new Error('404'));
    expect(readies).toEqual([{ key: `prism-field@1.0.0@${T}`, startedAt: T }]);
    frameAt(T + 10);
    expect(host.snapshot().run).toBeNull();
    host.go(`prism-field@1.0.0@${T}`, T + 50);
    frameAt(T + 60);
    expect(host.snapshot().run?.failed).toBe(true);
  });

  it('a view without the gate (the preview, an older server) reports nothing and switches at the start', async () => {
    const { host, pieces, frameAt, readies } = gatedScreen();
    host.setProgram(programOf(playing('canopy', T)));
    await pieces.arrive('canopy');
    host.warmed(`canopy@1.0.0@${T}`, 'main-1');
    frameAt(T);
    expect(host.snapshot().run?.installationId).toBe('canopy');
    expect(readies).toEqual([]);
  });

  it('a page without a renderer (nothing to warm) is ready when its module is there', async () => {
    const readies: DisplayReady[] = [];
    const { host, pieces, frameAt } = testHost({ sendReady: (r) => readies.push(r) });
    host.setProgram(programOf(playing('echo', T), true));
    await pieces.arrive('echo');
    expect(readies).toEqual([{ key: `echo@1.0.0@${T}`, startedAt: T }]);
    frameAt(T + 5);
    expect(host.snapshot().run).toBeNull();
    host.go(`echo@1.0.0@${T}`, T + 5);
    frameAt(T + 6);
    expect(host.snapshot().run?.installationId).toBe('echo');
  });
});
