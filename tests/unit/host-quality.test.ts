import { describe, expect, it } from 'vitest';
import { HIGH_QUALITY_MAX_PIXELS, resolveQuality } from '../../client/host/quality';
import { playing, testHost } from './host-fixtures';
import { programOf, type RendererLike } from '../../client/host';

const renderer = (name: string): RendererLike => ({
  info: { memory: { geometries: 3, textures: 2 }, programs: [{}, {}] },
  getContext: () =>
    ({
      RENDERER: 0x1f01,
      getExtension: () => null,
      getParameter: () => name,
    }) as unknown as WebGL2RenderingContext,
});

describe('host quality: the wall setting, auto from the GPU and canvas size', () => {
  it('a set level is used as it is, whatever the hardware', () => {
    for (const q of ['low', 'medium', 'high'] as const) {
      expect(resolveQuality(q, true, 100)).toBe(q);
      expect(resolveQuality(q, false, 10_000_000)).toBe(q);
    }
  });

  it("'auto' is low in software, else high up to ~3 Mpx and medium above", () => {
    expect(resolveQuality('auto', true, 480 * 270)).toBe('low');
    expect(resolveQuality('auto', false, 1920 * 1080)).toBe('high');
    expect(resolveQuality('auto', false, HIGH_QUALITY_MAX_PIXELS + 1)).toBe('medium');
    expect(resolveQuality(undefined, false, 3840 * 2160)).toBe('medium');
  });

  it("the host reads the wall's quality, not a piece param named quality", () => {
    const { host } = testHost();
    const gpu = renderer('ANGLE (NVIDIA GeForce RTX 4070)');
    const swiftshader = renderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)))');
    host.setProgram(programOf(playing('canopy', 0, { params: { quality: 'high' } })));
    expect(host.qualityFor(gpu, 1920 * 1080)).toBe('high');
    expect(host.qualityFor(swiftshader, 1920 * 1080)).toBe('low');
    host.setProgram(programOf(playing('canopy', 0, { quality: 'medium', params: { quality: 'low' } })));
    expect(host.qualityFor(swiftshader, 1920 * 1080)).toBe('medium');
    expect(host.snapshot().quality).toBe('medium');
    expect(host.memory()).toEqual({ geometries: 0, textures: 0, programs: 0 });
    const detach = host.attachRenderer('main-1', gpu);
    expect(host.memory()).toEqual({ geometries: 3, textures: 2, programs: 2 });
    detach();
    expect(host.screens()).toEqual([]);
  });
});
