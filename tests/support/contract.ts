import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import type { InputSpec, PieceSummary } from '../../protocol';
import { api, ask, client, connected, until } from './server';
import { waitFrames } from './browser';
import { decodePng, variety, type Image } from './image';
import { diag, playOn, stageFrame } from './stage';

export type Memory = { geometries: number; textures: number; programs: number };

/** Mean absolute difference of two same-size images, over every channel (0–255). */
export function imageDiff(a: Image, b: Image): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i += 4) s += Math.abs(a.data[i]! - b.data[i]!) + Math.abs(a.data[i + 1]! - b.data[i + 1]!) + Math.abs(a.data[i + 2]! - b.data[i + 2]!);
  return s / ((a.data.length / 4) * 3);
}

export const shoot = async (pages: Page[]) => Promise.all(pages.map(async (p) => decodePng(await p.screenshot())));
export const diffAll = (a: Image[], b: Image[]) => a.reduce((s, img, i) => s + imageDiff(img, b[i]!), 0) / a.length;
export { variety };

/** The most of each kind of GPU object any of the pages holds. */
export async function memoryOf(pages: Page[]): Promise<Memory[]> {
  return Promise.all(pages.map(async (p) => (await diag(p)).memory));
}

export const grew = (now: Memory, base: Memory) => now.geometries > base.geometries || now.textures > base.textures || now.programs > base.programs;

/** Waits until every page's GPU memory is at most `base` (disposal runs at idle priority); returns the last reading. */
export async function settleTo(pages: Page[], base: Memory[], timeoutMs = 8000): Promise<Memory[]> {
  let last: Memory[] = [];
  try {
    await until(
      async () => {
        last = await memoryOf(pages);
        return last.every((m, i) => !grew(m, base[i]!));
      },
      'GPU memory back to its baseline',
      timeoutMs,
    );
  } catch {
    /* the caller compares and reports */
  }
  return last;
}

/**
 * Plays `id` on a wall and waits until every one of its screens has switched and drawn. The wall
 * renders at 'low' quality (the host's setting, Wall.quality): the contract runs in software.
 */
export async function playWall(app: { url: string }, pages: Page[], wallId: string, piece: PieceSummary | null, frames = 8, extra: Record<string, unknown> = {}): Promise<void> {
  if (piece) await command(app, { type: 'wall.quality', wallId, quality: 'low' });
  await playOn(app, pages[0]!, wallId, piece?.id ?? null, 0, extra);
  // The screens render side by side: each is waited for at once (one after another, each page's
  // `frames` would be counted from when the previous one was done, tripling the wait).
  await Promise.all(
    pages.map(async (p) => {
      await until(
        async () => {
          const d = await diag(p);
          return d.installationId === (piece?.id ?? null) && (d.lastSwitch?.installationId ?? null) === (piece?.id ?? null);
        },
        `every screen to switch to ${piece?.id ?? 'nothing'}`,
        60_000,
      ).catch(async (e: unknown) => {
        throw new Error(`${e instanceof Error ? e.message : String(e)}; ${await switchingOf(p)}`);
      });
      if (frames) await waitFrames(p, frames);
    }),
  );
}

/** What a screen that did not switch holds: the page's mirror (with its last errors: a stage reload shows there) and the stage's switcher. */
async function switchingOf(p: Page): Promise<string> {
  try {
    const d = await diag(p);
    // Bounded: a stage whose main thread is blocked does not answer (that is worth saying too).
    const s = await Promise.race([
      (async () => (await stageFrame(p)).evaluate(() => (window as unknown as { __pavilionStage?: { switching?(): unknown } }).__pavilionStage?.switching?.() ?? null))(),
      new Promise((r) => setTimeout(() => r('(the stage frame did not answer within 10 s)'), 10_000)),
    ]);
    return `the page shows ${JSON.stringify({ installationId: d.installationId, lastSwitch: d.lastSwitch, framesRendered: d.framesRendered, now: d.now, errors: d.errors.slice(-3).map((e) => `${e.phase}: ${e.message}`) })}, the stage's switcher ${JSON.stringify(s)}`;
  } catch (e) {
    return `its state could not be read (${e instanceof Error ? e.message : String(e)})`;
  }
}

/** A value for each input a phone can send, different per visitor. */
export function valueFor(spec: InputSpec, k: number, n: number): unknown {
  const u = n > 1 ? k / (n - 1) : 0.5;
  switch (spec.type) {
    case 'xy':
    case 'tilt':
      return { x: Math.round((-0.8 + 1.6 * u) * 1000) / 1000, y: Math.round(0.5 * Math.sin(k * 1.7) * 1000) / 1000 };
    case 'slider':
      return spec.min + (spec.max - spec.min) * (0.25 + 0.5 * u);
    case 'button':
      return true;
    case 'text':
      return ['light', 'hello', 'echo', 'wave', 'bloom', 'tide'][k % 6];
  }
}

/** Real phones: socket.io clients on /visitor that join the wall and send every input of the piece. */
export async function phones(app: { url: string }, wallId: string, inputs: InputSpec[], n: number): Promise<Socket[]> {
  const out: Socket[] = [];
  for (let k = 0; k < n; k++) {
    const s = client(app, '/visitor');
    await connected(s);
    const res = await ask<{ ok: boolean; error?: { message: string } }>(s, 'visitor:join', { wallId, visitorId: `contract-${k}-${Math.random().toString(36).slice(2, 10)}` });
    if (!res.ok) throw new Error(`a phone could not join ${wallId}: ${res.error?.message}`);
    out.push(s);
  }
  for (const [k, s] of out.entries())
    for (const spec of inputs) {
      const res = await ask<{ ok: boolean; error?: { message: string } }>(s, 'visitor:input', { input: spec.id, value: valueFor(spec, k, n) });
      if (!res.ok) throw new Error(`input ${spec.id} refused: ${res.error?.message}`);
    }
  return out;
}

export async function command(app: { url: string }, body: Record<string, unknown>): Promise<void> {
  const res = await api(app, 'POST', '/api/commands', body);
  if (res.status !== 200) throw new Error(`${String(body.type)} refused: ${JSON.stringify(res.body)}`);
}
