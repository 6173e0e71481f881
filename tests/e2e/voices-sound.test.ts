/**
 * The SDK's voices (sdk/voices.ts) sound as the Tone.js synths they replace: in Chromium, the same
 * notes rendered offline through Tone.Synth, FMSynth, MembraneSynth, MonoSynth and PolySynth, and
 * through createVoices with the same options, in one offline context each, sound alike: the same
 * loudness and pitch, window by window (the noise's loudness only: it is random). And the voices' notes leave the graph when they end.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { launch } from '../support/browser';

const ROOT = path.resolve(import.meta.dirname, '../..');
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // sdk/voices.ts alone, as a script that sets window.PavilionVoices (it imports only types from Tone).
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry: path.join(ROOT, 'sdk/voices.ts'), formats: ['iife'], name: 'PavilionVoices' } },
  });
  const chunk = (Array.isArray(out) ? out[0]! : out) as { output: Array<{ type: string; code?: string }> };
  const code = chunk.output.find((o) => o.type === 'chunk')!.code!;
  browser = await launch();
  page = await browser.newPage();
  await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  await page.goto('data:text/html,<html><body></body></html>');
  await page.addScriptTag({ path: path.join(ROOT, 'node_modules/tone/build/Tone.js') });
  await page.addScriptTag({ content: code });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

interface Rendered {
  tone: number[];
  voices: number[];
}

/**
 * Renders `seconds` of mono sound at 48 kHz twice, offline: through the Tone synth `tone` builds
 * and through the voices `voices` builds (each given Tone and the destination), and returns both.
 */
async function renderBoth(tone: string, voices: string, seconds = 1.2): Promise<Rendered> {
  return page.evaluate(
    async ({ tone, voices, seconds }) => {
      type AnyFn = (...a: unknown[]) => unknown;
      const w = window as unknown as { Tone: Record<string, unknown> & { Offline: AnyFn; getDestination: AnyFn }; PavilionVoices: { createVoices: AnyFn } };
      const T = w.Tone;
      const render = async (body: string) => {
        const buf = (await T.Offline(() => {
          const dest = T.getDestination();
          new Function('Tone', 'dest', 'createVoices', body)(T, dest, (o: unknown) => w.PavilionVoices.createVoices({ Tone: T }, o));
        }, seconds, 1, 48_000)) as { getChannelData(c: number): Float32Array };
        return Array.from(buf.getChannelData(0));
      };
      const a = await render(tone);
      const b = await render(voices);
      return { tone: a, voices: b };
    },
    { tone, voices, seconds },
  );
}

const WINDOW = 2400; // 50 ms at 48 kHz

/** RMS in windows of `n` samples. */
const rms = (xs: number[], n = WINDOW) => {
  const out: number[] = [];
  for (let i = 0; i + n <= xs.length; i += n) out.push(Math.sqrt(xs.slice(i, i + n).reduce((s, x) => s + x * x, 0) / n));
  return out;
};

/** Zero crossings a second, in windows of `n` samples: the pitch, for a plain wave. */
const crossings = (xs: number[], n = WINDOW) => {
  const out: number[] = [];
  for (let i = 0; i + n <= xs.length; i += n) {
    let c = 0;
    for (let k = i + 1; k < i + n; k++) if (xs[k - 1]! < 0 !== xs[k]! < 0) c++;
    out.push((c * 48_000) / n);
  }
  return out;
};

/**
 * Whether two renders sound alike, window by window (50 ms): the loudness within `tolerance` of
 * Tone's (or under 2 % of its peak, for the silent windows), and, where it sounds, the same pitch
 * (zero crossings within 10 %). The samples themselves differ: Tone's oscillators start at other
 * phases, and its parameters are driven at audio rate through Signals.
 */
function expectAlike(r: Rendered, tolerance: number, pitch = true): void {
  const a = rms(r.tone);
  const b = rms(r.voices);
  const za = crossings(r.tone);
  const zb = crossings(r.voices);
  const loud = Math.max(...a);
  expect(loud, 'the Tone render sounds').toBeGreaterThan(0.02);
  for (let i = 0; i < a.length; i++) {
    expect(Math.abs(a[i]! - b[i]!), `loudness in window ${i}: ${a[i]!.toFixed(3)} (Tone) against ${b[i]!.toFixed(3)}`).toBeLessThanOrEqual(Math.max(tolerance * a[i]!, 0.02 * loud));
    if (pitch && a[i]! > 0.2 * loud) expect(Math.abs(za[i]! - zb[i]!), `zero crossings in window ${i}: ${za[i]} (Tone) against ${zb[i]}`).toBeLessThanOrEqual(0.1 * za[i]!);
  }
}

describe('the SDK voices sound as the Tone.js synths they replace', () => {
  it('a Synth: sawtooth, its attack, decay to sustain and exponential release, at a velocity and a volume', async () => {
    const opts = `{ oscillator: { type: 'sawtooth' }, volume: -6, envelope: { attack: 0.05, decay: 0.2, sustain: 0.4, release: 0.3 } }`;
    const r = await renderBoth(
      `new Tone.Synth(${opts}).connect(dest).triggerAttackRelease(220, 0.5, 0.1, 0.8);`,
      `createVoices({ wave: 'sawtooth', volume: -6, envelope: { attack: 0.05, decay: 0.2, sustain: 0.4, release: 0.3 } }).connect(dest).play(220, 0.5, 0.1, 0.8);`,
    );
    expectAlike(r, 0.1);
  });

  it('a PolySynth chord with notes that overlap, released before its decay ends', async () => {
    const r = await renderBoth(
      `const s = new Tone.PolySynth(Tone.Synth, { oscillator: { type: 'triangle' }, volume: -12, envelope: { attack: 0.02, decay: 0.4, sustain: 0.7, release: 0.5 } }).connect(dest);
       s.triggerAttackRelease([220, 277, 330], 0.15, 0.05, 0.5); s.triggerAttackRelease(440, 0.3, 0.3, 0.9);`,
      `const v = createVoices({ wave: 'triangle', volume: -12, envelope: { attack: 0.02, decay: 0.4, sustain: 0.7, release: 0.5 } }).connect(dest);
       for (const f of [220, 277, 330]) v.play(f, 0.15, 0.05, 0.5); v.play(440, 0.3, 0.3, 0.9);`,
    );
    expectAlike(r, 0.1);
  });

  it('an FMSynth: the square modulator at note × harmonicity under its own envelope', async () => {
    const env = `envelope: { attack: 0.004, decay: 0.35, sustain: 0, release: 0.5 }, modulationEnvelope: { attack: 0.002, decay: 0.2, sustain: 0, release: 0.3 }`;
    const r = await renderBoth(
      `new Tone.FMSynth({ harmonicity: 2.01, modulationIndex: 5, volume: -6, ${env} }).connect(dest).triggerAttackRelease(330, 0.25, 0.1, 0.7);`,
      `createVoices({ volume: -6, fm: { harmonicity: 2.01, modulationIndex: 5, envelope: { attack: 0.002, decay: 0.2, sustain: 0, release: 0.3 } }, envelope: { attack: 0.004, decay: 0.35, sustain: 0, release: 0.5 } }).connect(dest).play(330, 0.25, 0.1, 0.7);`,
    );
    expectAlike(r, 0.1);
  });

  it("a MembraneSynth: the pitch falls from note × 2^octaves, with Tone's default envelope", async () => {
    const r = await renderBoth(
      `new Tone.MembraneSynth({ pitchDecay: 0.045, octaves: 6, volume: -5 }).connect(dest).triggerAttackRelease(42, 0.3, 0.1);`,
      `createVoices({ membrane: { pitchDecay: 0.045, octaves: 6 }, volume: -5 }).connect(dest).play(42, 0.3, 0.1);`,
    );
    expectAlike(r, 0.1);
  });

  it('a MonoSynth: a 24 dB filter swept by its own envelope raised to its exponent', async () => {
    const r = await renderBoth(
      `const s = new Tone.MonoSynth({ oscillator: { type: 'sawtooth' }, volume: -8, filter: { Q: 3, type: 'lowpass', rolloff: -24 },
         envelope: { attack: 0.004, decay: 0.2, sustain: 0.4, release: 0.15 },
         filterEnvelope: { attack: 0.002, decay: 0.18, sustain: 0.2, release: 0.2, baseFrequency: 90, octaves: 3.2 } }).connect(dest);
       s.triggerAttackRelease(60, 0.5, 0.1);`,
      `createVoices({ wave: 'sawtooth', volume: -8, mono: true, envelope: { attack: 0.004, decay: 0.2, sustain: 0.4, release: 0.15 },
         filter: { Q: 3, type: 'lowpass', rolloff: -24, baseFrequency: 90, octaves: 3.2, envelope: { attack: 0.002, decay: 0.18, sustain: 0.2, release: 0.2 } } }).connect(dest).play(60, 0.5, 0.1);`,
    );
    // Its filter sweeps the low sawtooth's few harmonics: the zero crossings say little there. At
    // 60 Hz a window holds three whole cycles, and the sustain's loudness is the same to the third
    // decimal; in the windows where the envelope falls fast (the attack, the release), what part of
    // the cycle comes first weighs, and Tone's oscillator starts at another phase: 14 % and 19 %
    // apart there (at 55 Hz, 2.75 cycles a window, every window moved with the phase).
    expectAlike(r, 0.25, false);
    // The sustain (0.3–0.6 s): the filter's resting frequency, its envelope raised to MonoSynth's exponent.
    const [a, b] = [rms(r.tone), rms(r.voices)];
    for (let i = 6; i < 12; i++) expect(Math.abs(a[i]! - b[i]!), `sustain window ${i}: ${a[i]!.toFixed(4)} (Tone) against ${b[i]!.toFixed(4)}`).toBeLessThanOrEqual(0.03 * a[i]!);
  });

  it("a monophonic Synth's next note takes over the one sounding: mono voices cut it", async () => {
    const env = `envelope: { attack: 0.01, decay: 0.1, sustain: 0.6, release: 0.4 }`;
    const r = await renderBoth(
      `const s = new Tone.Synth({ oscillator: { type: 'square' }, volume: -12, ${env} }).connect(dest);
       s.triggerAttackRelease(220, 0.6, 0.1); s.triggerAttackRelease(330, 0.3, 0.4);`,
      `const v = createVoices({ wave: 'square', volume: -12, mono: true, ${env} }).connect(dest);
       v.play(220, 0.6, 0.1); v.play(330, 0.3, 0.4);`,
    );
    expectAlike(r, 0.15);
  });

  it('a NoiseSynth: the same loudness, window by window (white noise: its loudness over 50 ms barely varies; the colours are Tone\'s generators)', async () => {
    const r = await renderBoth(
      `new Tone.NoiseSynth({ noise: { type: 'white' }, volume: -6, envelope: { attack: 0.002, decay: 0.7, sustain: 0, release: 0.2 } }).connect(dest).triggerAttackRelease(0.5, 0.1);`,
      `createVoices({ noise: 'white', volume: -6, envelope: { attack: 0.002, decay: 0.7, sustain: 0, release: 0.2 } }).connect(dest).hit(0.5, 0.1);`,
    );
    expectAlike(r, 0.1, false);
  });

  it('a mono voice cuts the note still sounding; a poly one lets both ring; notes past maxPolyphony are dropped', async () => {
    const counts = await page.evaluate(async () => {
      type AnyFn = (...a: unknown[]) => unknown;
      const w = window as unknown as { Tone: Record<string, unknown> & { Offline: AnyFn; getDestination: AnyFn }; PavilionVoices: { createVoices: AnyFn } };
      const T = w.Tone;
      const out: Record<string, number> = {};
      await T.Offline(() => {
        type V = { connect(d: unknown): V; play(f: number, d: number, at: number): void; sounding: number };
        const make = (o: object) => (w.PavilionVoices.createVoices({ Tone: T }, o) as V).connect(T.getDestination());
        const mono = make({ mono: true });
        mono.play(220, 1, 0.1);
        mono.play(330, 1, 0.2);
        const poly = make({ maxPolyphony: 2 });
        poly.play(220, 1, 0.1);
        poly.play(330, 1, 0.2);
        poly.play(440, 1, 0.3);
        out.monoBuilt = mono.sounding;
        out.polyBuilt = poly.sounding;
      }, 0.1, 1, 48_000);
      return out;
    });
    // Both mono notes exist until the first one's cut has ended; the poly limit drops the third.
    expect(counts).toEqual({ monoBuilt: 2, polyBuilt: 2 });
  });

  it('notes leave the graph when they end', async () => {
    const left = await page.evaluate(async () => {
      type AnyFn = (...a: unknown[]) => unknown;
      const w = window as unknown as { Tone: Record<string, unknown> & { start: AnyFn; getDestination: AnyFn; now: () => number }; PavilionVoices: { createVoices: AnyFn } };
      const T = w.Tone;
      await T.start();
      type V = { connect(d: unknown): V; play(f: number, d: number, at: number): void; hit(d: number, at: number): void; sounding: number; dispose(): void };
      const v = (w.PavilionVoices.createVoices({ Tone: T }, { volume: -60, envelope: { attack: 0.001, decay: 0.01, sustain: 0.5, release: 0.02 } }) as V).connect(T.getDestination());
      const n = (w.PavilionVoices.createVoices({ Tone: T }, { noise: 'white', volume: -60, envelope: { attack: 0.001, decay: 0.01, sustain: 0, release: 0.01 } }) as V).connect(T.getDestination());
      const t = T.now();
      for (let i = 0; i < 5; i++) v.play(300 + i * 50, 0.05, t + i * 0.02);
      n.hit(0.05, t);
      const during = v.sounding + n.sounding;
      const deadline = Date.now() + 20_000;
      while (v.sounding + n.sounding > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const after = v.sounding + n.sounding;
      v.dispose();
      n.dispose();
      return { during, after };
    });
    expect(left).toEqual({ during: 6, after: 0 });
  });
});
