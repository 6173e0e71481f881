import { describe, expect, it } from 'vitest';
import { BACKOFF_MAX, BACKOFF_RESET_MS, GPU_BUSY_MS, HUNG_MS, SILENT_MS, STALL_MS, STARVED_MS, backoffAfterReload, stallVerdict, startVerdict } from '../../client/display/stall';

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

  it('reloads at 45 s a stage that stopped answering while its page was drawn and the GPU served it (a stuck thread)', () => {
    const silent = HUNG_MS + 1000;
    expect(stallVerdict({ stalledMs: HUNG_MS - 1000, silentMs: HUNG_MS - 1000, pageFramesGiven: frames(HUNG_MS), gpuWaitMs: 5 }).kind).toBe('fine');
    const v = stallVerdict({ stalledMs: silent, silentMs: silent, pageFramesGiven: frames(silent), gpuWaitMs: 5 });
    expect(v.kind).toBe('hung');
    expect(v.kind !== 'fine' && v.why).toMatch(/^the stage stopped answering for 46 s \(the browser drew this page meanwhile, and the GPU answered it within 0\.0 s\)$/);
    // Without WebGL2 on the page the page's frames decide.
    expect(stallVerdict({ stalledMs: silent, silentMs: silent, pageFramesGiven: frames(silent), gpuWaitMs: null }).kind).toBe('hung');
  });

  it('waits for the starved wait when the stage is silent while the GPU keeps the page waiting too, or the page is short of frames', () => {
    const silent = HUNG_MS + 1000;
    // A stage thread waiting on a GPU process that is behind (a shader compile on software GL): not hung.
    expect(stallVerdict({ stalledMs: silent, silentMs: silent, pageFramesGiven: frames(silent), gpuWaitMs: 8000 }).kind).toBe('fine');
    expect(stallVerdict({ stalledMs: silent, silentMs: silent, pageFramesGiven: 4, gpuWaitMs: 0 }).kind).toBe('fine');
    const late = STARVED_MS + 1000;
    const v = stallVerdict({ stalledMs: late, silentMs: late, pageFramesGiven: frames(late), gpuWaitMs: 8000 });
    expect(v.kind).toBe('starved');
    expect(v.kind !== 'fine' && v.why).toMatch(/^the stage did not answer for 61 s, while the GPU kept this page waiting 8\.0 s/);
    // A longer starved wait from the screen's address is kept for silence too.
    expect(stallVerdict({ stalledMs: late, silentMs: late, pageFramesGiven: 2, gpuWaitMs: 0 }, { stallMs: STALL_MS, starvedMs: 120_000 }).kind).toBe('fine');
    // A shorter one never reloads a silent stage before the hung wait.
    expect(stallVerdict({ stalledMs: HUNG_MS - 1000, silentMs: HUNG_MS - 1000, pageFramesGiven: 2, gpuWaitMs: 0 }, { stallMs: STALL_MS, starvedMs: 20_000 }).kind).toBe('fine');
  });

  it('waits for 60 s when the page is drawn but the stage itself is given few frames (its process shared with other screens\' stages)', () => {
    const drawn = { silentMs: 0, pageFramesGiven: frames(stalled), gpuWaitMs: 3 };
    expect(stallVerdict({ ...drawn, stalledMs: stalled, stageFramesGiven: 1 }).kind).toBe('fine');
    const v = stallVerdict({ ...drawn, stalledMs: STARVED_MS + 1000, pageFramesGiven: frames(STARVED_MS + 1000), stageFramesGiven: 2 });
    expect(v.kind).toBe('starved');
    expect(v.kind !== 'fine' && v.why).toMatch(/the browser gave the stage only 2 of the frames it asked for/);
    // Given its frames, a stage that draws none is stalled (its loop stopped), as without the count.
    expect(stallVerdict({ ...drawn, stalledMs: stalled, stageFramesGiven: frames(stalled) }).kind).toBe('stalled');
  });

});

/** The start watchdog: a stage whose document loaded but whose channel never opened. */
describe('startVerdict', () => {
  it('reloads at 45 s a stage that did not start while its page was drawn', () => {
    expect(startVerdict(SILENT_MS - 1000, 44).kind).toBe('fine');
    const v = startVerdict(SILENT_MS + 1000, 46);
    expect(v).toEqual({ kind: 'hung', why: 'the stage did not start in 46 s' });
  });

  it('waits for the starved wait while the page is short of frames too, and says why', () => {
    expect(startVerdict(SILENT_MS + 1000, 3).kind).toBe('fine');
    const v = startVerdict(STARVED_MS + 1000, 3);
    expect(v.kind).toBe('starved');
    expect(v.kind !== 'fine' && v.why).toBe('the stage did not start in 61 s, while the browser gave this page only 3 of the frames it asked for (an overloaded machine)');
    expect(startVerdict(STARVED_MS + 1000, 3, { stallMs: STALL_MS, starvedMs: 120_000 }).kind).toBe('fine');
  });
});

/** The reload backoff: waits that grow while reloads keep coming, and every verdict scaled by them. */
describe('backoffAfterReload', () => {
  it('doubles the waits after each reload that comes within 10 minutes of the last, up to ×8, and starts afresh after', () => {
    expect(backoffAfterReload(1, null)).toBe(2);
    expect(backoffAfterReload(2, 60_000)).toBe(4);
    expect(backoffAfterReload(4, 60_000)).toBe(BACKOFF_MAX);
    expect(backoffAfterReload(BACKOFF_MAX, 60_000)).toBe(BACKOFF_MAX);
    expect(backoffAfterReload(BACKOFF_MAX, BACKOFF_RESET_MS)).toBe(2);
  });

  it('scales every wait: hung, start, stall and starved', () => {
    const twice = { stallMs: STALL_MS, starvedMs: STARVED_MS, scale: 2 };
    const silent = HUNG_MS + 1000;
    const drawn = (ms: number) => Math.ceil(ms / 1000);
    expect(stallVerdict({ stalledMs: silent, silentMs: silent, pageFramesGiven: drawn(silent), gpuWaitMs: 5 }, twice).kind).toBe('fine');
    expect(stallVerdict({ stalledMs: 2 * HUNG_MS + 1000, silentMs: 2 * HUNG_MS + 1000, pageFramesGiven: drawn(2 * HUNG_MS), gpuWaitMs: 5 }, twice).kind).toBe('hung');
    expect(startVerdict(SILENT_MS + 1000, 46, twice).kind).toBe('fine');
    expect(startVerdict(2 * SILENT_MS + 1000, 91, twice).kind).toBe('hung');
    expect(stallVerdict({ stalledMs: STALL_MS + 1000, silentMs: 0, pageFramesGiven: 11, gpuWaitMs: 5 }, twice).kind).toBe('fine');
    expect(stallVerdict({ stalledMs: 2 * STALL_MS + 1000, silentMs: 0, pageFramesGiven: 21, gpuWaitMs: 5 }, twice).kind).toBe('stalled');
    expect(stallVerdict({ stalledMs: STARVED_MS + 1000, silentMs: 0, pageFramesGiven: 1, gpuWaitMs: 5 }, twice).kind).toBe('fine');
    expect(stallVerdict({ stalledMs: 2 * STARVED_MS + 1000, silentMs: 0, pageFramesGiven: 1, gpuWaitMs: 5 }, twice).kind).toBe('starved');
  });
});
