import { z } from 'zod';
import { Id, Localized } from './ids';
import { COLOUR_PATTERN, COLOUR_RULE, VERSION_PATTERN, VERSION_RULE } from './plain';

const base = { label: Localized.optional(), description: z.string().max(500).optional() };

export const NumberParam = z
  .object({
    type: z.enum(['number', 'integer']),
    min: z.number().finite(),
    max: z.number().finite(),
    step: z.number().positive().optional(),
    default: z.number().finite(),
    ...base,
  })
  .refine((p) => p.min < p.max, { message: 'min must be below max' })
  .refine((p) => p.default >= p.min && p.default <= p.max, { message: 'default must lie between min and max' });

export const ColorParam = z.object({
  type: z.literal('color'),
  default: z.string().regex(COLOUR_PATTERN, COLOUR_RULE),
  ...base,
});
export const BooleanParam = z.object({ type: z.literal('boolean'), default: z.boolean(), ...base });
export const SelectParam = z
  .object({ type: z.literal('select'), options: z.array(z.string().min(1)).min(1), default: z.string(), ...base })
  .refine((p) => p.options.includes(p.default), { message: 'default must be one of the options' });

export const ParamSpec = z.union([NumberParam, ColorParam, BooleanParam, SelectParam]);
export type ParamSpec = z.infer<typeof ParamSpec>;
export const ParamValueSchema = z.union([z.number().finite(), z.string().max(200), z.boolean()]);
export type ParamValue = z.infer<typeof ParamValueSchema>;
export type ParamValues = Record<string, ParamValue>;

/** What a visitor's phone can send to a piece: drawn as controls on the phone page. */
export const InputSpec = z.discriminatedUnion('type', [
  z.object({ id: Id, type: z.literal('xy'), label: Localized }),
  z.object({ id: Id, type: z.literal('button'), label: Localized }),
  z.object({
    id: Id,
    type: z.literal('slider'),
    label: Localized,
    min: z.number().default(0),
    max: z.number().default(1),
  }),
  z.object({ id: Id, type: z.literal('tilt'), label: Localized }),
  z.object({
    id: Id,
    type: z.literal('text'),
    label: Localized,
    maxLength: z.number().int().min(1).max(40).default(24),
  }),
]);
export type InputSpec = z.infer<typeof InputSpec>;

export const Manifest = z.object({
  id: Id,
  title: z.string().min(1).max(120),
  artist: z.string().min(1).max(120),
  description: z.string().min(1).max(2000),
  version: z
    .string()
    .regex(VERSION_PATTERN, VERSION_RULE)
    .default('1.0.0'),
  params: z.record(Id, ParamSpec).refine((p) => Object.keys(p).length <= 32, 'at most 32 params'),
  inputs: z.array(InputSpec).max(8).default([]),
  /** VR-capable (docs/vr.md): on a VR station it draws the world around the viewer (useViewer, useControllers); absent or false: it plays on a curved screen in the headset. */
  vr: z.boolean().optional(),
});
export type Manifest = z.infer<typeof Manifest>;
export type ManifestInput = z.input<typeof Manifest>;

/** The defaults of every param of a manifest. */
export function defaultParams(manifest: Pick<Manifest, 'params'>): ParamValues {
  const out: ParamValues = {};
  for (const [key, spec] of Object.entries(manifest.params)) out[key] = spec.default;
  return out;
}

/** Checks values against a manifest's params; returns the cleaned values or a message. */
export function checkParams(
  manifest: Pick<Manifest, 'params' | 'id'>,
  values: Record<string, unknown>,
): { ok: true; params: ParamValues } | { ok: false; message: string } {
  const out: ParamValues = {};
  for (const [key, value] of Object.entries(values)) {
    const spec = manifest.params[key];
    if (!spec) return { ok: false, message: `piece '${manifest.id}' has no param '${key}'` };
    switch (spec.type) {
      case 'number':
      case 'integer':
        if (typeof value !== 'number' || !Number.isFinite(value))
          return { ok: false, message: `param '${key}' must be a number` };
        if (value < spec.min || value > spec.max)
          return { ok: false, message: `param '${key}' must lie between ${spec.min} and ${spec.max}` };
        out[key] = spec.type === 'integer' ? Math.round(value) : value;
        break;
      case 'color':
        if (typeof value !== 'string' || !COLOUR_PATTERN.test(value)) return { ok: false, message: `param '${key}' ${COLOUR_RULE}` };
        out[key] = value;
        break;
      case 'boolean':
        if (typeof value !== 'boolean') return { ok: false, message: `param '${key}' must be true or false` };
        out[key] = value;
        break;
      case 'select':
        if (typeof value !== 'string' || !spec.options.includes(value))
          return { ok: false, message: `param '${key}' must be one of ${spec.options.join(', ')}` };
        out[key] = value;
        break;
    }
  }
  return { ok: true, params: out };
}
