import { z } from 'zod';

/** Ids of pieces, walls, screens, cues and presets: lower-case, digits and dashes. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const Id = z
  .string()
  .regex(ID_PATTERN, 'must be 1–64 characters of a-z, 0-9 and "-", starting with a letter or digit');

/** Show time: milliseconds since the Unix epoch on the server's clock. */
export const ShowTime = z.number().finite().nonnegative();

export const LANGUAGES = ['en', 'fr', 'nl', 'de', 'ja'] as const;
export type Language = (typeof LANGUAGES)[number];
/** A label: one string, or one per language (English is the fallback). */
export const Localized = z.union([
  z.string().min(1).max(200),
  z.object({ en: z.string().min(1).max(200) }).catchall(z.string().max(200)),
]);
export type Localized = z.infer<typeof Localized>;
