import type { Logger } from 'pino';
import { LIGHTS_MAX_HZ, LightsFrame, describeIssues, type Show } from '../../protocol';
import type { TimeSource } from '../clock/time';
import type { DmxEngine } from './dmx-engine';

/** Frames a screen may send at once, above the steady LIGHTS_MAX_HZ (+10 %: timers on a page jitter). */
const BURST = 8;

/** Whether `screenId` plays its wall's sound: the screens that stream the piece's lights (as server/show/views.ts decides). */
export function audioWallOf(show: Show, screenId: string): string | null {
  const wallId = show.screens[screenId]?.wallId;
  const wall = wallId ? show.walls[wallId] : undefined;
  if (!wall) return null;
  if (wall.audioScreens.length) return wall.audioScreens.includes(screenId) ? wall.id : null;
  const first = Object.values(show.screens).filter((s) => s.wallId === wall.id).map((s) => s.id).sort((a, b) => a.localeCompare(b))[0];
  return first === screenId ? wall.id : null;
}

/**
 * The edge of piece lights (display:lights): a paired screen's frame is checked (LightsFrame), kept
 * to LIGHTS_MAX_HZ per screen (token bucket; the excess is dropped), taken only from a screen that
 * plays its wall's sound, and handed to the DMX engine, which maps names to channels by the wall's
 * map (wall.lights). Returns a message for the page when the frame is malformed, else null.
 */
export function createLightsInput(deps: { show: () => Show; time: TimeSource; engine: DmxEngine; logger: Logger }) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  let dropped = 0;
  return {
    frame(screenId: string, payload: unknown): string | null {
      const now = deps.time();
      const b = buckets.get(screenId) ?? { tokens: BURST, at: now };
      b.tokens = Math.min(BURST, b.tokens + ((now - b.at) / 1000) * LIGHTS_MAX_HZ * 1.1);
      b.at = now;
      buckets.set(screenId, b);
      if (b.tokens < 1) {
        if (dropped++ % 1000 === 0) deps.logger.warn({ screenId, dropped }, `dmx: piece lights over ${LIGHTS_MAX_HZ} Hz dropped`);
        return null;
      }
      b.tokens -= 1;
      const parsed = LightsFrame.safeParse(payload);
      if (!parsed.success) return `display:lights: ${describeIssues(parsed.error.issues)}`;
      const wallId = audioWallOf(deps.show(), screenId);
      if (wallId) deps.engine.lights(wallId, parsed.data.values);
      return null;
    },
    forget(screenId: string): void {
      buckets.delete(screenId);
    },
  };
}
