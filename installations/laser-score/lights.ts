import type { Lights } from 'pavilion/sdk';
import type { Moment, EmitterAim } from './formation';

/** The fixtures Laser Score drives: a strobe, four beam heads across the wall, and a wash for the room. */
export const LIGHT_NAMES = ['strobe', 'beam-1', 'beam-2', 'beam-3', 'beam-4', 'wash'] as const;

/**
 * Writes the piece's lights for this frame from the same score as the picture:
 * - `strobe`: the visitors' strobes (on the beat after they press) and, in the *cross* look,
 *   a hard flash on every kick;
 * - `beam-1`..`beam-4`: the brightness of four emitters spread across the wall (cuts and kicks);
 * - `wash`: the room's haze level.
 */
export function writeLights(lights: Lights, m: Moment, aims: readonly EmitterAim[], strobe: number, boost: number, level: number): void {
  const kick = m.info.look === 'cross' ? Math.exp(-m.sinceKick * 14) : 0;
  lights.set('strobe', Math.min(1, strobe + kick));
  const n = aims.length;
  for (let k = 0; k < 4; k++) {
    const a = aims[Math.round((k * (n - 1)) / 3)];
    lights.set(`beam-${k + 1}`, Math.min(1, (a?.bright ?? 0) * boost * 0.85));
  }
  lights.set('wash', Math.min(1, level * 0.8));
}
