import { describe, expect, it } from 'vitest';
import { BACKOFF_MAX, BACKOFF_RESET_MS, GPU_BUSY_MS, HUNG_MS, LEARNED_MAX_MS, Recoveries, SILENT_MS, STALL_MS, STARVED_MS, WATCHDOG_DEFAULTS, backoffAfterReload, stallVerdict, startVerdict } from '../../client/display/stall';
import { CarriedSilence, SIBLING_HEARD_MS, SIBLING_SILENT_MS, StageSiblings, type SiblingChannel } from '../../client/display/siblings';

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
    expect(stallVerdict({ stalledMs: late, silentMs: late, pageFramesGiven: 2, gpuWaitMs: 0 }, { ...WATCHDOG_DEFAULTS, starvedMs: 120_000 }).kind).toBe('fine');
    // A shorter one never reloads a silent stage before the hung wait.
    expect(stallVerdict({ stalledMs: HUNG_MS - 1000, silentMs: HUNG_MS - 1000, pageFramesGiven: 2, gpuWaitMs: 0 }, { ...WATCHDOG_DEFAULTS, starvedMs: 20_000 }).kind).toBe('fine');
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

  it('waits for the starved wait when the stage went silent with its own draws seconds deep in the GPU\'s queue, though the page\'s probe passes', () => {
    const silent = HUNG_MS + 1000;
    const drawn = { pageFramesGiven: frames(silent), gpuWaitMs: 300 };
    // Its draws deep in the queue: its frame's commit can wait for them, whatever the page's 1×1 probe says.
    expect(stallVerdict({ ...drawn, stalledMs: silent, silentMs: silent, stageGpuLagMs: GPU_BUSY_MS + 1000 }).kind).toBe('fine');
    // Its draws kept up: a stage silent that long is stuck, and the report gives the figure.
    const hung = stallVerdict({ ...drawn, stalledMs: silent, silentMs: silent, stageGpuLagMs: 120 });
    expect(hung.kind).toBe('hung');
    expect(hung.kind !== 'fine' && hung.why).toMatch(/^the stage stopped answering for 46 s \(the browser drew this page meanwhile, and the GPU answered it within 0\.3 s; the GPU was 0\.1 s behind on the stage's draws at its last answer\)$/);
    const late = STARVED_MS + 1000;
    // Its own frame count is its last answer's (0 given since): not what the report blames.
    const v = stallVerdict({ ...drawn, pageFramesGiven: frames(late), stalledMs: late, silentMs: late, stageFramesGiven: 0, stageGpuLagMs: 7400 });
    expect(v.kind).toBe('starved');
    expect(v.kind !== 'fine' && v.why).toMatch(/^the stage did not answer for 61 s, while the GPU was 7\.4 s behind on the stage's own draws at its last answer/);
    // A stage still answering, no new frame, its draws behind: starved too (not a stopped loop).
    expect(stallVerdict({ ...drawn, pageFramesGiven: frames(stalled), stalledMs: stalled, silentMs: 0, stageGpuLagMs: 5000 }).kind).toBe('fine');
    expect(stallVerdict({ ...drawn, pageFramesGiven: frames(stalled), stalledMs: stalled, silentMs: 0, stageGpuLagMs: 50 }).kind).toBe('stalled');
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
    expect(startVerdict(STARVED_MS + 1000, 3, { ...WATCHDOG_DEFAULTS, starvedMs: 120_000 }).kind).toBe('fine');
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
    const twice = { ...WATCHDOG_DEFAULTS, starvedMs: STARVED_MS, scale: 2 };
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

/** Waits learned from what the stage came back from: a slow machine's stage is not taken for stuck. */
describe('Recoveries', () => {
  it('learns twice the longest silence and start the stage came back from, up to 4 minutes, for 10 minutes', () => {
    const r = new Recoveries();
    expect(r.waits(0)).toEqual({});
    r.silenceEnded(15_000, 1000); // twice that is under the usual 45 s: nothing learned
    expect(r.waits(1000)).toEqual({});
    r.silenceEnded(40_000, 2000);
    r.silenceEnded(30_000, 3000); // shorter: the longest is kept
    r.started(60_000, 3000);
    expect(r.waits(4000)).toEqual({ hungMs: 80_000, startMs: 120_000 });
    r.silenceEnded(500_000, 5000);
    expect(r.waits(6000).hungMs).toBe(LEARNED_MAX_MS);
    // Ten minutes after the last long one, the usual waits again.
    expect(r.waits(5000 + BACKOFF_RESET_MS)).toEqual({});
    // A newer, shorter silence replaces one that is out of date.
    r.silenceEnded(30_000, 5000 + BACKOFF_RESET_MS + 1);
    expect(r.waits(5000 + BACKOFF_RESET_MS + 2)).toEqual({ hungMs: 60_000 });
  });

  it('holds the hung and start verdicts for the learned waits, and the report says so', () => {
    const r = new Recoveries();
    r.silenceEnded(40_000, 0);
    r.started(30_000, 0);
    const times = { ...WATCHDOG_DEFAULTS, ...r.waits(1000) };
    const at = (ms: number) => ({ stalledMs: ms, silentMs: ms, pageFramesGiven: Math.ceil(ms / 1000), gpuWaitMs: 5 });
    // Silent past the usual 45 s: this stage came back from 40 s before, so it is given 80 s.
    expect(stallVerdict(at(HUNG_MS + 5000), times).kind).toBe('fine');
    expect(stallVerdict(at(HUNG_MS + 5000)).kind).toBe('hung');
    const v = stallVerdict(at(81_000), times);
    expect(v.kind).toBe('hung');
    expect(v.kind !== 'fine' && v.why).toMatch(/^the stage stopped answering for 81 s \(the browser drew this page meanwhile, and the GPU answered it within 0\.0 s\) \(given 80 s, twice the longest it had come back from lately\)$/);
    // The start: given 60 s for a screen whose stage took 30 s to start before.
    expect(startVerdict(SILENT_MS + 5000, 50, times).kind).toBe('fine');
    const s = startVerdict(61_000, 61, times);
    expect(s.kind !== 'fine' && s.why).toMatch(/^the stage did not start in 61 s \(given 60 s, twice the longest it had come back from lately\)$/);
    // The backoff still scales the usual waits when that is longer.
    expect(stallVerdict(at(81_000), { ...times, scale: 2 }).kind).toBe('fine');
  });
});

/** Screens of one browser, whose stages share one process: a silence they share is that process's. */
describe('StageSiblings', () => {
  /** A BroadcastChannel between the pages of one browser, by hand. */
  function channels() {
    const all: SiblingChannel[] = [];
    const make = (): SiblingChannel => {
      const c: SiblingChannel = {
        onmessage: null,
        postMessage: (m) => {
          for (const o of all) if (o !== c) o.onmessage?.({ data: structuredClone(m) });
        },
        close: () => void all.splice(all.indexOf(c), 1),
      };
      all.push(c);
      return c;
    };
    return make;
  }

  it('counts the other screens on the same stage origin whose stages are silent now, as long as their pages keep saying so', () => {
    let now = 0;
    const make = channels();
    const a = new StageSiblings('main-1', () => now, make());
    const b = new StageSiblings('main-2', () => now, make());
    const c = new StageSiblings('main-3', () => now, make());
    const other = new StageSiblings('lobby-1', () => now, make());
    a.say('http://h:8081', 0);
    other.say('http://elsewhere:9001', 30_000); // another stage origin: another process
    b.say('http://h:8081', SIBLING_SILENT_MS - 1);
    c.say('http://h:8081', 2000);
    expect(a.silentWithMe()).toBe(0);
    b.say('http://h:8081', SIBLING_SILENT_MS);
    expect(a.silentWithMe()).toBe(1);
    c.say('http://h:8081', 40_000);
    expect(a.silentWithMe()).toBe(2);
    // Heard a second ago: still counted, its silence a second longer.
    now += 1000;
    b.say('http://h:8081', 2000); // b's stage answered again
    expect(a.silentWithMe()).toBe(1);
    // A page not heard from for 3 s (closed, or frozen itself) is not counted.
    now += SIBLING_HEARD_MS + 1;
    expect(a.silentWithMe()).toBe(0);
    // Malformed or foreign messages are ignored.
    a.say('http://h:8081', 0);
    const raw = make();
    raw.postMessage({ screenId: 'x', origin: 'http://h:8081', silentMs: 'long' });
    raw.postMessage('nonsense');
    raw.postMessage({ screenId: 'main-1', origin: 'http://h:8081', silentMs: 60_000 }); // itself
    expect(a.silentWithMe()).toBe(0);
  });

  it('a screen that reloaded its stage on a held thread still counts as silent for the others until its new stage opens', () => {
    let now = 100_000;
    const make = channels();
    const a = new StageSiblings('main-1', () => now, make());
    const b = new StageSiblings('main-2', () => now, make());
    const origin = 'http://h:8081';
    b.say(origin, 70_000);
    // a's stage was silent 61 s and is reloaded (starved); its new document has loaded 2 s later.
    const carried = new CarriedSilence();
    carried.reloaded(61_000, now);
    now += 2000;
    a.say(origin, carried.whileLoading(2000, now));
    expect(b.silentWithMe()).toBe(1);
    // Without the carried silence, a's 2 s of loading would take its evidence away from b.
    a.say(origin, 2000);
    expect(b.silentWithMe()).toBe(0);
    // A second reload in a row (the new stage did not start either) keeps the silence's beginning.
    now += 30_000;
    carried.reloaded(32_000, now);
    now += 1000;
    expect(carried.whileLoading(1000, now)).toBe(61_000 + 33_000);
    // Time this page was frozen itself is not the stage's.
    carried.frozen(4000, now);
    expect(carried.whileLoading(1000, now)).toBe(61_000 + 29_000);
    // The new stage answered: from then on its own load time again, and a later reload starts afresh.
    carried.opened();
    expect(carried.whileLoading(500, now)).toBe(500);
    carried.reloaded(12_000, now);
    expect(carried.whileLoading(0, now + 1000)).toBe(13_000);
  });

  it('makes a silence shared with other screens of this browser starved, not hung, at the start too, and says so', () => {
    const silent = HUNG_MS + 1000;
    const drawn = { stalledMs: silent, silentMs: silent, pageFramesGiven: silent / 1000, gpuWaitMs: 5, stageGpuLagMs: 0 };
    expect(stallVerdict({ ...drawn, siblingsSilent: 0 }).kind).toBe('hung');
    expect(stallVerdict({ ...drawn, siblingsSilent: 2 }).kind).toBe('fine');
    const late = STARVED_MS + 1000;
    const v = stallVerdict({ ...drawn, stalledMs: late, silentMs: late, pageFramesGiven: late / 1000, siblingsSilent: 3 });
    expect(v.kind !== 'fine' && v.why).toMatch(/^the stage did not answer for 61 s, while 3 other screens of this browser, whose stages share its process, did not answer either/);
    expect(startVerdict(silent, silent / 1000, WATCHDOG_DEFAULTS, 0).kind).toBe('hung');
    expect(startVerdict(silent, silent / 1000, WATCHDOG_DEFAULTS, 1).kind).toBe('fine');
    const s = startVerdict(late, late / 1000, WATCHDOG_DEFAULTS, 1);
    expect(s.kind !== 'fine' && s.why).toMatch(/^the stage did not start in 61 s, while 1 other screen of this browser, whose stages share its process, did not answer either/);
  });
});
