import { describe, expect, it } from 'vitest';
import { HEAP_PER_THIRD, diskLine, errorCount, judge, visitorsLine, type SoakResult } from '../../bench/soak/report';
import { thirds } from '../../bench/soak/verdict';

/** A soak result with one display page and its browser's stage process, read at these heaps after a 60 s warm-up. */
function result(page: number[], stage: Array<number | null>): SoakResult {
  const n = Math.max(page.length, stage.length);
  const samples = Array.from({ length: n + 1 }, (_, i) => ({
    t: i * 10 + (i === 0 ? 0 : 50),
    server: { rssMB: 180, heapUsedMB: 40, heapLiveMB: 30 },
    tabs: [{ screenId: 's-1', heapMB: i === 0 ? 9 : (page[i - 1] ?? null), stageHeapMB: i === 0 ? 99 : (stage[i - 1] ?? null), fps: 1, installationId: 'canopy' }],
  }));
  const errors = {
    serverErrorLines: 0, serverErrorExamples: [], serverWarnLines: 0, pieceErrors: 0, pieceErrorExamples: [], refusedCommands: 0, failedCommands: 0,
    refusedCommandExamples: [], showReadFailures: 0, sampleFailures: 0, heapReadMisses: {}, phoneConnectErrors: 0, phoneJoinErrors: 0, phoneKicked: 0,
    phoneInputRefusals: {}, phoneExamples: [], pageErrors: 0, pageCrashes: 0, consoleErrors: 0, tabExamples: [],
  };
  const r = {
    bench: 'soak', at: '', machine: {}, config: { runS: 600, warmupS: 60, heapTolerancePct: 10 }, errors,
    reconnections: { screens: 0, screenReloads: 0, phones: 0, phoneDisconnects: 0 }, phones: { sent: 0, acked: 0, views: 0, cpuMs: 0 },
    cuesFired: 0, tabCounters: [], samples, verdicts: [], analysis: { serverRss: null, serverHeap: null, tabs: [], stages: [] },
    heapWalk: { pageRoundS: [10], stageRoundS: [90], pageReadingMs: { n: 0, median: 0, p90: 0, max: 0 }, stageReadingMs: { n: 0, median: 0, p90: 0, max: 0 } },
  };
  return r as unknown as SoakResult;
}
const heapVerdict = (r: SoakResult) => {
  judge(r);
  return r.verdicts.find((v) => v.target.startsWith('no heap grows'))!;
};
const flat = [20, 20.5, 19.8, 20.2, 20.1, 19.9, 20.3, 20];

describe('thirds', () => {
  it('compares the last third with the second, once each third has enough points', () => {
    expect(thirds([1, 2, 3])).toEqual({ samples: 3, secondMean: 2, lastMean: 3, growthPct: 50 });
    expect(thirds([1, 2, 3], 2)).toBeNull();
    expect(thirds([1, 1, 2, 2, 3, 3], 2)?.growthPct).toBe(50);
  });
});

describe('the soak heap verdict', () => {
  it("leaves unjudged a stage process read one time per third: session 30's cue-cycle swing", () => {
    // soak-d-1's browser in bench/results/soak-2026-12-03T2102.json: once judged +63 %.
    const v = heapVerdict(result(flat, [80.2, 35.8, 42.0, 74.9]));
    expect(v.outcome).toBe('n/a');
    expect(v.detail).toContain('1/2 heaps judged');
    expect(v.detail).toMatch(/run --minutes \d+ or more/);
  });

  it(`judges a stage process with ${String(HEAP_PER_THIRD)} readings in each third, and fails one that grows`, () => {
    expect(heapVerdict(result(flat, [50, 52, 55, 60, 66, 72])).outcome).toBe('fail');
    expect(heapVerdict(result(flat, [50, 60, 45, 58, 52, 49])).outcome).toBe('pass');
  });

  it('fails a growing display page however few stage readings there are', () => {
    const v = heapVerdict(result([20, 22, 24, 26, 28, 30, 32, 34], [50, 52]));
    expect(v.outcome).toBe('fail');
    expect(v.detail).toContain('s-1 page');
  });
});

describe('the soak report: visitors who come and go, panels', () => {
  it('counts the panels’ connect errors against "0 errors"', () => {
    const r = result(flat, []);
    expect(errorCount(r.errors)).toBe(0);
    r.errors.panelConnectErrors = 2;
    expect(errorCount(r.errors)).toBe(2);
    judge(r);
    expect(r.verdicts.find((v) => v.target.startsWith('errors'))?.outcome).toBe('fail');
  });

  it('says how many visitors came and went, and the places the server held after the warm-up only', () => {
    const r = result(flat, []);
    r.phones.left = 4000;
    r.phones.arrived = 3990;
    r.config.phones = 200;
    r.samples.forEach((s, i) => Object.assign(s.server, { visitorsHeld: i === 0 ? 999 : 280 + i, sockets: i === 0 ? 1 : 205 }));
    expect(visitorsLine(r)).toBe('visitors: 4000 left and 3990 new ones joined in their places (about 200 at a time); after the warm-up the server held 281–288 places (playing, queued, or dropped within their grace) and 205–205 socket.io connections');
  });
});

describe('the soak report: the data directory', () => {
  it("reads the server's data directory from the first sample after the warm-up to the last, and says nothing for older results", () => {
    const r = result(flat, []);
    expect(diskLine(r)).toBeNull();
    r.cuesFired = 300;
    r.samples.forEach((s, i) => Object.assign(s.server, { dataDirMB: i === 0 ? 9 : i === 3 ? 0.5 : 0.25 + i / 100 }));
    expect(diskLine(r)).toBe("the server's data directory (show snapshots, journal, backups, activity log): 0.26 MB after the warm-up, 0.50 MB at most, 0.33 MB at the end (300 cues fired)");
  });
});
