import { createContext, createElement, useContext, type ReactNode } from 'react';

/**
 * A piece's lights: named channels (0..1) that the venue maps to DMX fixtures (docs/links.md,
 * "DMX"). Write them inside useFrame, from show time, like the picture; a value holds until you
 * write another, and every name is let go when the piece leaves the screen.
 */
export interface Lights {
  /** Sets light `name` (1–32 lower-case letters, digits and dashes, e.g. `strobe`, `beam-1`) to `value`, clamped to 0..1. */
  set(name: string, value: number): void;
}

/** What pieces get where nothing drives fixtures (the preview, screens that do not play the wall's sound, tests). */
export const NO_LIGHTS: Lights = { set() {} };

export const LightsContext = createContext<Lights>(NO_LIGHTS);

/**
 * The wall's lights. Only the screen that plays the wall's sound sends them on (at most 44 times
 * a second); the technician maps each name to an output channel (`wall.lights`). Elsewhere
 * `set` does nothing, so a piece writes its lights the same way on every screen.
 *
 *   const lights = useLights();
 *   useFrame(() => lights.set('strobe', flash(time.seconds)));
 */
export function useLights(): Lights {
  return useContext(LightsContext);
}

/** For the host: a run that is not on screen (warming before its cue, leaving) writes to nothing. */
export function LightsGate({ on, children }: { on: boolean; children: ReactNode }) {
  const lights = useContext(LightsContext);
  return createElement(LightsContext.Provider, { value: on ? lights : NO_LIGHTS }, children);
}
