/* DMX over Art-Net and sACN (E1.31): outputs, channel values, the blackout scene, piece lights (docs/links.md, "DMX"). */
import { z } from 'zod';
import { Id, ShowTime } from './ids';

export const DMX_PROTOCOLS = ['artnet', 'sacn'] as const;
export const DmxProtocol = z.enum(DMX_PROTOCOLS);
export type DmxProtocol = z.infer<typeof DmxProtocol>;

/** Universe ranges: Art-Net's 15-bit port address (net, sub-net, universe), sACN's 1..63999. */
export const DMX_UNIVERSES: Record<DmxProtocol, { min: number; max: number }> = {
  artnet: { min: 0, max: 32767 },
  sacn: { min: 1, max: 63999 },
};
export const DMX_PORTS: Record<DmxProtocol, number> = { artnet: 6454, sacn: 5568 };

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Where a node listens: an IPv4 address or a host name (resolved once when the output is made). */
export const DmxHost = z
  .string()
  .max(253)
  .refine((h) => IPV4.test(h) || (HOSTNAME.test(h) && !/^[\d.]+$/.test(h)), {
    message: 'must be an IPv4 address (e.g. 10.0.0.20) or a host name (e.g. node-1.lights); check the node\'s address',
  });

/** A DMX channel number, 1..512, as a JSON key. */
export const DMX_CHANNEL_RULE = 'DMX channels are numbered 1..512';
export const DmxChannel = z.number().int(DMX_CHANNEL_RULE).min(1, DMX_CHANNEL_RULE).max(512, DMX_CHANNEL_RULE);
const DMX_VALUE_RULE = 'DMX values are whole numbers 0..255';
export const DmxValue = z.number().int(DMX_VALUE_RULE).min(0, DMX_VALUE_RULE).max(255, DMX_VALUE_RULE);

/** A record whose keys must pass `key`; a bad key is named in the message (zod's own says only "Invalid key in record"). */
function keyed<V extends z.ZodType>(key: (k: string) => boolean, rule: string, value: V, max: number) {
  return z.record(z.string(), value).superRefine((rec, ctx) => {
    const keys = Object.keys(rec);
    for (const k of keys) if (!key(k)) ctx.addIssue({ code: 'custom', path: [k], message: `'${k.slice(0, 40)}': ${rule}` });
    if (keys.length > max) ctx.addIssue({ code: 'custom', path: [], message: `at most ${max} entries (got ${keys.length})` });
  });
}
const isChannelKey = (k: string) => /^[1-9]\d{0,2}$/.test(k) && Number(k) <= 512;

/** Channel values by channel number ("1".."512"): `{ "1": 255, "12": 40 }`. */
export const DmxChannels = keyed(isChannelKey, DMX_CHANNEL_RULE, DmxValue, 512)
  .refine((c) => Object.keys(c).length > 0, 'give at least one channel, e.g. { "1": 255 }');
export type DmxChannels = z.infer<typeof DmxChannels>;

const Fade = z.number().int('fadeMs is whole milliseconds').min(0).max(3_600_000, 'fadeMs is at most an hour (3600000)');

const DmxOutputShape = {
  id: Id,
  protocol: DmxProtocol,
  host: DmxHost,
  universe: z.number().int('universe is a whole number'),
  /** The node's UDP port (default 6454 for Art-Net, 5568 for sACN). */
  port: z.number().int().min(1).max(65535).optional(),
};
function universeInRange(o: { protocol: DmxProtocol; universe: number }, ctx: z.RefinementCtx): void {
  const r = DMX_UNIVERSES[o.protocol];
  if (o.universe < r.min || o.universe > r.max)
    ctx.addIssue({ code: 'custom', path: ['universe'], message: `${o.protocol === 'artnet' ? 'Art-Net' : 'sACN'} universes are ${r.min}..${r.max} (got ${o.universe})` });
}
export const DmxOutput = z.object(DmxOutputShape).superRefine(universeInRange);
export type DmxOutput = z.infer<typeof DmxOutput>;

/** A name a piece writes with useLights(): lower-case letters, digits and dashes (`strobe`, `beam-1`). */
export const LIGHT_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
const LIGHT_NAME_RULE = 'light names are 1–32 lower-case letters, digits and dashes, starting with a letter (e.g. strobe, beam-1)';
export const LightName = z.string().regex(LIGHT_NAME_PATTERN, LIGHT_NAME_RULE);
const isLightName = (k: string) => LIGHT_NAME_PATTERN.test(k);

/** Where a wall's named lights go: `{ strobe: { output: 'house', channel: 1 } }`. */
export const LightsMap = keyed(isLightName, LIGHT_NAME_RULE, z.object({ output: Id, channel: DmxChannel }), 64);
export type LightsMap = z.infer<typeof LightsMap>;

/** What the show records of DMX: outputs, the last values set (restored on restart), the blackout scene, walls' light maps. */
export const DmxState = z.object({
  outputs: z.record(Id, DmxOutput),
  /** The values each output holds (the targets of the last dmx.set of each channel, less released ones). */
  values: z.record(Id, keyed(isChannelKey, DMX_CHANNEL_RULE, DmxValue, 512)),
  /** While show.blackout is on, these channels fade to these values (house lights); null: not bound. */
  blackout: z.object({ scene: z.record(Id, DmxChannels), fadeMs: Fade }).nullable(),
  /** Each wall's map from the names its piece writes (useLights) to output channels. */
  lights: z.record(Id, LightsMap),
});
export type DmxState = z.infer<typeof DmxState>;

export const emptyDmx = (): DmxState => ({ outputs: {}, values: {}, blackout: null, lights: {} });

const at = { at: ShowTime.optional() };

/** The DMX commands (all usable in cues). */
export const DMX_COMMANDS = [
  /** Adds an output or changes one (same id). */
  z.object({ type: z.literal('dmx.output'), ...DmxOutputShape }).superRefine(universeInRange),
  z.object({ type: z.literal('dmx.output.delete'), output: Id }),
  /** Sets channels, fading from their present values over fadeMs, from `at` (default: now). */
  z.object({ type: z.literal('dmx.set'), output: Id, channels: DmxChannels, fadeMs: Fade.optional(), ...at }),
  /** Lets go of channels (all of the output's without `channels`): they go to 0; an output left with none goes quiet. */
  z.object({ type: z.literal('dmx.release'), output: Id, channels: z.array(DmxChannel).min(1).max(512).optional(), ...at }),
  /** Binds show.blackout to a scene (null: unbinds). */
  z.object({ type: z.literal('dmx.blackout'), scene: z.record(Id, DmxChannels).nullable(), fadeMs: Fade.default(0) }),
  /** Maps the names a wall's piece writes with useLights() to output channels (an empty map: none). */
  z.object({ type: z.literal('wall.lights'), wallId: Id, map: LightsMap }),
] as const;

/** A frame of a piece's lights, stage → page → server: values 0..1 by name, at most 64. */
export const LightsFrame = z.object({
  values: keyed(isLightName, LIGHT_NAME_RULE, z.number().min(0).max(1), 64),
});
export type LightsFrame = z.infer<typeof LightsFrame>;

/** The most often a screen sends its piece's lights (Hz); the server drops what comes faster. */
export const LIGHTS_MAX_HZ = 44;
