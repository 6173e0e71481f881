/**
 * Switching frees everything: after 200 switches across all the bundled pieces, the renderer holds
 * no more geometries, textures or programs than before, and the JS heap grew by less than 10 MB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startServer, until } from '../support/server';
import { CHROMIUM, CHROMIUM_ARGS, openPage, waitFrames } from '../support/browser';
import { STATIC_DIR, diag, heapProbe, playOn, screenUrl } from '../support/stage';
import { grew, type Memory } from '../support/contract';
import type { App } from '../../server/app';
import type { Page } from 'playwright-core';

const SWITCHES = Number(process.env.HYGIENE_SWITCHES ?? 200);
const HEAP_LIMIT = 10 * 1024 * 1024;
const WALL = 'canopy'; // one screen: canopy-1

let app: App;
let browser: Browser;
let page: Page;
let pieces: string[] = [];
let probe: Awaited<ReturnType<typeof heapProbe>>;

const memory = async () => (await diag(page)).memory;
/** Plays a piece (or nothing) and waits for the switch: the switch frame already draws the new piece. */
const play = (id: string | null) => {
  const quality = id && app.catalog.get(id)?.params.quality ? { params: { quality: 'low' } } : {};
  return playOn(app, page, WALL, id, 0, quality);
};

/** GPU memory once r3f's deferred disposal has run (it disposes at idle priority). */
async function settled(): Promise<Memory> {
  let last = await memory();
  for (let i = 0; i < 20; i++) {
    await waitFrames(page, 3);
    const now = await memory();
    if (!grew(last, now) && !grew(now, last)) return now;
    last = now;
  }
  return last;
}

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR, playLeadMs: 60 });
  pieces = app.catalog.list().filter((p) => p.source === 'bundled').map((p) => p.id);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'], headless: true });
  page = (await openPage(browser, screenUrl(app, `${WALL}-1`))).page;
  await waitFrames(page, 5); // the stage frame is up: the probe reads its heap too
  probe = await heapProbe(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('hygiene: switching frees everything', () => {
  const leaks: string[] = [];

  it('each bundled piece, played and stopped again, ends where its previous run ended', async () => {
    expect(pieces.length).toBeGreaterThan(0);
    const run = async (id: string) => {
      await play(id);
      await waitFrames(page, 10);
      await play(null);
      return settled();
    };
    for (const id of pieces) {
      await run(id); // the first runs may fill caches (troika's glyph atlas arrives a few frames late)
      const second = await run(id);
      const third = await run(id);
      if (grew(third, second)) leaks.push(`${id}: ${JSON.stringify(second)} → ${JSON.stringify(third)}`);
    }
    expect(leaks, `pieces that leave GPU objects behind:\n${leaks.join('\n')}`).toEqual([]);
  }, 600_000);

  it(`after ${SWITCHES} switches, GPU memory is back to its baseline and the heap grew < 10 MB`, async () => {
    await play(null);
    const gpuBefore = await settled();
    const heapBefore = await probe.usedAfterGc();
    for (let i = 0; i < SWITCHES; i++) await play(pieces[i % pieces.length]!);
    await play(null);
    const gpuAfter = await settled();
    // Pieces may free their sound a few seconds after they stop (a voice's release): give the heap
    // up to 30 s to come back, reading it after a forced GC each time.
    let heapAfter = await probe.usedAfterGc();
    try {
      await until(async () => (heapAfter = await probe.usedAfterGc()) - heapBefore < HEAP_LIMIT, 'the heap to come back', 30_000);
    } catch {
      /* asserted below, with the figure */
    }
    const errors = (await diag(page)).errors;
    const stray = errors.filter((e) => e.message.includes('from the audio engine')).length;
    const failed = errors.filter((e) => e.installationId !== null && !e.message.includes('from the audio engine'));
    console.info(
      `hygiene: ${SWITCHES} switches over ${pieces.join(', ')}: GPU ${JSON.stringify(gpuBefore)} → ${JSON.stringify(gpuAfter)}, ` +
        `heap ${(heapBefore / 1048576).toFixed(1)} → ${(heapAfter / 1048576).toFixed(1)} MB; ${stray} stray audio-engine errors; ` +
        `pieces that failed on the way (the contract test judges those): ${failed.map((e) => `${e.installationId} (${e.phase}: ${e.message.slice(0, 80)})`).join('; ') || 'none'}`,
    );
    expect(gpuAfter.geometries, 'geometries').toBeLessThanOrEqual(gpuBefore.geometries);
    expect(gpuAfter.textures, 'textures').toBeLessThanOrEqual(gpuBefore.textures);
    expect(gpuAfter.programs, 'programs').toBeLessThanOrEqual(gpuBefore.programs);
    expect(heapAfter - heapBefore, 'JS heap growth (bytes)').toBeLessThan(HEAP_LIMIT);
  }, 1_800_000);
});
