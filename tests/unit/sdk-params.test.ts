import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ComponentType } from 'react';
import { defineInstallation } from '../../sdk/define';
import type { ParamsOf, ParamValueOf } from '../../sdk/params';
import type { ParamValues } from '../../protocol';
import canopy from '../../installations/canopy/manifest.json';
import echo from '../../installations/echo/manifest.json';
import laser from '../../installations/laser-score/manifest.json';

const Nothing: ComponentType = () => null;

// Compile-time checks: `npm run typecheck` (tsc, tests included) fails when one does not hold.
describe('ParamsOf: params typed from the manifest, with no cast', () => {
  it('infers each param from its default in a JSON import', () => {
    expectTypeOf<ParamsOf<typeof canopy>>().toEqualTypeOf<{ speed: number; density: number; palette: string }>();
    expectTypeOf<ParamsOf<typeof echo>>().toEqualTypeOf<{ speed: number; echoes: number; decay: number; palette: string }>();
    expectTypeOf<ParamsOf<typeof laser>>().toEqualTypeOf<{ bpm: number; beams: number; palette: string }>();
    // What useParams<P extends ParamValues>() accepts.
    expectTypeOf<ParamsOf<typeof canopy>>().toExtend<ParamValues>();
    // @ts-expect-error: quality is the wall's, no piece declares it any more
    expectTypeOf<ParamsOf<typeof canopy>['quality']>().toBeString();
  });

  it('widens literal defaults and narrows a select declared as const to its options', () => {
    const m = {
      params: {
        on: { type: 'boolean', default: true },
        n: { type: 'integer', min: 1, max: 9, default: 3 },
        mood: { type: 'select', options: ['calm', 'storm'], default: 'calm' },
        tint: { type: 'color', default: '#ff8800' },
      },
    } as const;
    expectTypeOf<ParamsOf<typeof m>>().toEqualTypeOf<{ on: boolean; n: number; mood: 'calm' | 'storm'; tint: string }>();
    expectTypeOf<ParamValueOf<{ type: 'number'; default: 2 }>>().toEqualTypeOf<number>();
    expectTypeOf<ParamValueOf<{ type: string; options: string[]; default: string }>>().toEqualTypeOf<string>();
  });

  it('defineInstallation takes the JSON import as is and hands the host the same manifest', () => {
    const mod = defineInstallation({ manifest: canopy, Component: Nothing });
    expect(mod.manifest).toBe(canopy);
    expect(mod.Component).toBe(Nothing);
    // @ts-expect-error: a manifest without params is no manifest
    expect(() => defineInstallation({ manifest: { id: 'x', title: 'x', artist: 'x', description: 'x' }, Component: Nothing })).not.toThrow();
    // @ts-expect-error: a param needs a default
    defineInstallation({ manifest: { ...canopy, params: { speed: { type: 'number' } } }, Component: Nothing });
    expect(() => defineInstallation({ manifest: { ...canopy, id: '' }, Component: Nothing })).toThrow(/no id; import it from \.\/manifest\.json/);
  });
});
