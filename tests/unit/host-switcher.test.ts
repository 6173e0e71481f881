import { describe, expect, it } from 'vitest';
import { LOAD_LIMIT_MS, programOf } from '../../client/host';
import { playing, testHost, wallView } from './host-fixtures';

const T = 5_000_000; // a run's start, in show time

describe('host switcher: preload, then switch on the frame that reaches the start', () => {
  it('preloads as soon as the run is announced, and switches on the first frame at or after its start', async () => {
    const { host, pieces, frameAt } = testHost();
    const syncs: boolean[] = [];
    host.subscribe((sync) => syncs.push(sync));
    host.setProgram(programOf(playing('canopy', T)));
    expect(pieces.loads).toEqual(['canopy']);
    await pieces.arrive('canopy');
    frameAt(T - 16.7);
    frameAt(T - 0.1);
    expect(host.snapshot().run).toBeNull();
    expect(host.lastSwitch).toBeNull();
    syncs.length = 0;
    frameAt(T + 4.2);
    expect(host.snapshot().run).toMatchObject({ installationId: 'canopy', startedAt: T, failed: false, seed: 'main:canopy' }); // every run of a piece on a wall: the kept run can be adopted (program.ts seedOf)
    expect(host.lastSwitch).toEqual({ installationId: 'canopy', showTime: T + 4.2 });
    expect(syncs).toContain(true); // drawn on that very frame
  });

  it('decides on the frame timestamp mapped to show time, whatever the clock offset', async () => {
    for (const offset of [0, 123.456, 9e6]) {
      const { host, pieces } = testHost({ offset });
      host.setProgram(programOf(playing('echo', T)));
      await pieces.arrive('echo');
      host.frame(T - offset - 1); // timestamp 1 ms before the start
      expect(host.snapshot().run).toBeNull();
      host.frame(T - offset); // exactly at the start
      expect(host.lastSwitch?.showTime).toBe(T);
    }
  });

  it('waits for a module that is late, and switches on the first frame after it arrives', async () => {
    const { host, pieces, frameAt } = testHost();
    host.setProgram(programOf(playing('facade', T)));
    frameAt(T + 10);
    frameAt(T + 26);
    expect(host.snapshot().run).toBeNull();
    await pieces.arrive('facade');
    frameAt(T + 43);
    expect(host.lastSwitch).toEqual({ installationId: 'facade', showTime: T + 43 });
  });

  it('keeps the old run on screen while the next one preloads, and its params too', async () => {
    const { host, pieces, frameAt } = testHost();
    host.setProgram(programOf(playing('canopy', T, { params: { speed: 1 } })));
    await pieces.arrive('canopy');
    frameAt(T);
    host.setProgram(programOf(playing('echo', T + 1000, { params: { echoes: 3 } })));
    frameAt(T + 500);
    expect(host.snapshot().run?.installationId).toBe('canopy');
    expect(host.snapshot().params).toEqual({ speed: 1 });
    await pieces.arrive('echo');
    frameAt(T + 1000);
    expect(host.snapshot().run?.installationId).toBe('echo');
    expect(host.snapshot().params).toEqual({ echoes: 3 });
  });

  it('stops on time: a stop takes the run off on the frame that reaches it', async () => {
    const { host, pieces, frameAt } = testHost();
    host.setProgram(programOf(playing('canopy', T)));
    await pieces.arrive('canopy');
    frameAt(T);
    host.setProgram(programOf(wallView({ startedAt: T + 2000 })));
    frameAt(T + 1999);
    expect(host.snapshot().run?.installationId).toBe('canopy');
    frameAt(T + 2000);
    expect(host.snapshot().run).toBeNull();
    expect(host.lastSwitch).toEqual({ installationId: null, showTime: T + 2000 });
  });

  it('the same run announced again (a repeated view) does not load or switch again', async () => {
    const { host, pieces, frameAt } = testHost();
    host.setProgram(programOf(playing('canopy', T)));
    await pieces.arrive('canopy');
    frameAt(T);
    const run = host.snapshot().run;
    host.setProgram(programOf(playing('canopy', T)));
    frameAt(T + 16);
    expect(pieces.loads).toEqual(['canopy']);
    expect(host.snapshot().run).toBe(run);
  });

  it('applies params on the frame that reaches their show time', async () => {
    const { host, pieces, frameAt } = testHost();
    host.setProgram(programOf(playing('canopy', T, { params: { speed: 1 } })));
    await pieces.arrive('canopy');
    frameAt(T);
    host.setProgram(programOf(playing('canopy', T, { params: { speed: 2 }, paramsAt: T + 300 })));
    frameAt(T + 299);
    expect(host.snapshot().params).toEqual({ speed: 1 });
    frameAt(T + 300);
    expect(host.snapshot().params).toEqual({ speed: 2 });
  });

  it("advances the run's time from its start, frozen while the wall is paused", async () => {
    const { host, pieces, frameAt } = testHost();
    host.setProgram(programOf(playing('canopy', T)));
    await pieces.arrive('canopy');
    frameAt(T + 2000);
    const time = host.snapshot().run!.shared.time;
    expect(time.seconds).toBe(2);
    host.setProgram(programOf(playing('canopy', T, { pausedAt: T + 3000 })));
    frameAt(T + 5000);
    expect(time).toMatchObject({ seconds: 3, paused: true, now: T + 3000 });
    host.setProgram(programOf(playing('canopy', T, { pausedAt: null, heldMs: 4000 })));
    frameAt(T + 8000);
    expect(time).toMatchObject({ seconds: 4, paused: false });
  });
});

describe('host switcher: fallback when a piece breaks', () => {
  it('a module that fails to load is reported, and the fallback takes the stage on time', async () => {
    const { host, pieces, frameAt, sent } = testHost();
    host.setProgram(programOf(playing('echo', T)));
    await pieces.fail('echo', new Error('404 module.js'));
    expect(sent).toMatchObject([{ installationId: 'echo', version: '1.0.0', phase: 'load', message: '404 module.js' }]);
    frameAt(T);
    expect(host.snapshot().run).toMatchObject({ installationId: 'echo', module: null, failed: true });
  });

  it(`a module that has not arrived ${LOAD_LIMIT_MS / 1000} s after the start counts as failed`, async () => {
    const { host, frameAt, timers, sent, pieces } = testHost();
    frameAt(T - 1000);
    host.setProgram(programOf(playing('echo', T)));
    timers.advance(1000 + LOAD_LIMIT_MS - 1);
    expect(sent).toEqual([]);
    timers.advance(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.message).toMatch(/did not load within 10 s of its start; check the network/);
    frameAt(T + LOAD_LIMIT_MS);
    expect(host.snapshot().run?.failed).toBe(true);
    await pieces.arrive('echo'); // too late: not reported twice, and the fallback stays
    expect(sent).toHaveLength(1);
  });

  it('a piece that fails is taken off once: reported with its id and version, then the fallback', async () => {
    const { host, pieces, frameAt, sent } = testHost();
    host.setProgram(programOf(playing('canopy', T)));
    await pieces.arrive('canopy');
    frameAt(T);
    const key = host.snapshot().run!.key;
    host.fail('render', new Error('boom'), key);
    host.fail('frame', new Error('again'));
    expect(host.snapshot().run).toMatchObject({ installationId: 'canopy', failed: true });
    expect(sent).toMatchObject([{ installationId: 'canopy', version: '1.0.0', phase: 'render', message: 'boom' }]);
    expect(sent[0]!.stack).toMatch(/boom/);
    expect(host.errors.list()).toHaveLength(1);
  });

  it("a stale run's failure does not take the next run off", async () => {
    const { host, pieces, frameAt, sent } = testHost();
    host.setProgram(programOf(playing('canopy', T)));
    await pieces.arrive('canopy');
    frameAt(T);
    const old = host.snapshot().run!;
    host.setProgram(programOf(playing('echo', T + 100)));
    await pieces.arrive('echo');
    frameAt(T + 100);
    old.shared.fail('audio', new Error('late timer of the old piece'));
    expect(host.snapshot().run).toMatchObject({ installationId: 'echo', failed: false });
    expect(sent).toEqual([]);
  });

  it('uncaught errors are the piece on screen; stray audio-engine errors are the screen, once per run, and do not fail it', async () => {
    const { host, pieces, frameAt, sent } = testHost();
    const target = new EventTarget();
    const stop = host.capture(target as unknown as Window);
    host.setProgram(programOf(playing('canopy', T)));
    await pieces.arrive('canopy');
    frameAt(T);
    const stray = () => {
      const e = new DOMException('cannot disconnect', 'InvalidAccessError');
      Object.defineProperty(e, 'stack', { value: undefined }); // as the audio engine throws them
      const event = new Event('error', { cancelable: true }) as ErrorEvent;
      Object.defineProperty(event, 'error', { value: e });
      target.dispatchEvent(event);
      return event;
    };
    expect(stray().defaultPrevented).toBe(true);
    stray();
    expect(sent).toMatchObject([{ installationId: null, phase: 'audio' }]);
    expect(sent[0]!.message).toMatch(/^InvalidAccessError: cannot disconnect from the audio engine/);
    expect(host.snapshot().run?.failed).toBe(false);
    const rejection = new Event('unhandledrejection') as PromiseRejectionEvent;
    Object.defineProperty(rejection, 'reason', { value: new Error('piece promise') });
    target.dispatchEvent(rejection);
    expect(host.snapshot().run?.failed).toBe(true);
    expect(sent[1]).toMatchObject({ installationId: 'canopy', phase: 'frame', message: 'piece promise' });
    stop();
  });

  it('reports progress: 0 when the preload starts, 1 when the module is in, none after the switch', async () => {
    const { host, pieces, frameAt } = testHost();
    host.setProgram(programOf(playing('canopy', T)));
    expect(host.snapshot().progress).toEqual({ installationId: 'canopy', progress: 0 });
    await pieces.arrive('canopy');
    expect(host.snapshot().progress).toEqual({ installationId: 'canopy', progress: 1 });
    expect(host.lastPreload).toMatchObject({ installationId: 'canopy', version: '1.0.0', cold: true });
    frameAt(T);
    expect(host.snapshot().progress).toBeNull();
    host.snapshot().run!.shared.reportProgress(50, 200);
    expect(host.snapshot().progress).toEqual({ installationId: 'canopy', progress: 0.25 });
  });
});
