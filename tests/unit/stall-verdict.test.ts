import { describe, expect, it } from 'vitest';
import { GPU_BUSY_MS, STALL_MS, STARVED_MS, stallVerdict } from '../../client/display/stall';

/** The stage watchdog's decision (client/display/stall.ts), on facts alone. */
describe('stallVerdict', () => {
  const stalled = STALL_MS + 1000;
  const frames = (ms: number) => Math.ceil(ms / 1000); // every frame asked for came back

  it('leaves a stage that drew recently, or that stopped answering (the hung watchdog\'s case)', () => {
    expect(stallVerdict({ stalledMs: STALL_MS - 1, silentMs: 0, pageFramesGiven: 9, gpuWaitMs: 0 }).kind).toBe('fine');
    expect(stallVerdict({ stalledMs: stalled, silentMs: 5000, pageFramesGiven: frames(stalled), gpuWaitMs: 0 }).kind).toBe('fine');
  });

  it('reloads at 10 s a stage that draws nothing while the page gets its frames and the GPU serves it', () => {
    const v = stallVerdict({ stalledMs: stalled, silentMs: 0, pageFramesGiven: frames(stalled), gpuWaitMs: 3 });
    expect(v.kind).toBe('stalled');
    // Without WebGL2 on the page the probe cannot tell: the page's frames decide, as before.
    expect(stallVerdict({ stalledMs: stalled, silentMs: 0, pageFramesGiven: frames(stalled), gpuWaitMs: null }).kind).toBe('stalled');
  });

  it('waits for 60 s when the browser gives the page few frames', () => {
    expect(stallVerdict({ stalledMs: stalled, silentMs: 0, pageFramesGiven: 1, gpuWaitMs: 0 }).kind).toBe('fine');
    const v = stallVerdict({ stalledMs: STARVED_MS + 1000, silentMs: 0, pageFramesGiven: 3, gpuWaitMs: 0 });
    expect(v.kind).toBe('starved');
    expect(v.kind !== 'fine' && v.why).toMatch(/only 3 of the frames/);
  });

  it('waits for 60 s when the page gets its frames but the GPU keeps it waiting (several screens in one busy GPU process)', () => {
    const busy = { silentMs: 0, gpuWaitMs: GPU_BUSY_MS + 500 };
    expect(stallVerdict({ ...busy, stalledMs: stalled, pageFramesGiven: frames(stalled) }).kind).toBe('fine');
    const v = stallVerdict({ ...busy, stalledMs: STARVED_MS + 1000, pageFramesGiven: frames(STARVED_MS + 1000) });
    expect(v.kind).toBe('starved');
    expect(v.kind !== 'fine' && v.why).toMatch(/GPU kept this page waiting 2\.5 s/);
  });
});
