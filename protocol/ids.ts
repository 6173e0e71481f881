import { z } from 'zod';
import { ID_PATTERN, ID_RULE } from './plain';

export { ID_PATTERN, LANGUAGES, type Language } from './plain';

/** Ids of pieces, walls, screens, cues and presets: lower-case, digits and dashes. */
export const Id = z
  .string()
  .regex(ID_PATTERN, ID_RULE)
  // Ids key plain objects in the show (walls, screens, presets): a name every object inherits would
  // look up the prototype's member instead of an entry (found by the fuzz suite: 'constructor').
  .refine((id) => !(id in Object.prototype), { message: 'is a reserved word; pick another id' });

/** Show time: milliseconds since the Unix epoch on the server's clock. */
export const ShowTime = z.number().finite().nonnegative();

/** A label: one string, or one per language (English is the fallback). */
export const Localized = z.union([
  z.string().min(1).max(200),
  z.object({ en: z.string().min(1).max(200) }).catchall(z.string().max(200)),
]);
export type Localized = z.infer<typeof Localized>;
