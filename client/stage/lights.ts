import { addAfterEffect } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import type { Lights } from 'pavilion/sdk';
import { LIGHT_NAME_PATTERN, LIGHTS_MAX_HZ } from '../../protocol';
import type { StageScreen } from './screen';

/** The least time between two frames of lights (LIGHTS_MAX_HZ). */
const MIN_GAP_MS = 1000 / LIGHTS_MAX_HZ;
/** Unchanged lights are sent again this often, so the server keeps them (it drops them after 1 s of silence). */
const KEEPALIVE_MS = 400;
const MAX_NAMES = 64;

/**
 * The piece's lights on a screen (sdk/lights.ts): what it writes with useLights() is kept here and
 * sent over the bridge after the frame is drawn, at most LIGHTS_MAX_HZ, only while this screen
 * plays its wall's sound; the page sends them on to the server (display:lights).
 */
export class StageLights implements Lights {
  private values: Record<string, number> = {};
  private count = 0;
  private dirty = false;
  private lastSent = -Infinity;

  constructor(
    private readonly send: (values: Record<string, number>) => void,
    private readonly enabled: () => boolean,
  ) {}

  readonly set = (name: string, value: number): void => {
    if (typeof name !== 'string' || !LIGHT_NAME_PATTERN.test(name) || typeof value !== 'number' || Number.isNaN(value)) return;
    const v = Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
    const had = Object.hasOwn(this.values, name);
    if (had && this.values[name] === v) return;
    if (!had && this.count >= MAX_NAMES) return;
    if (!had) this.count++;
    this.values[name] = v;
    this.dirty = true;
  };

  /** The piece left the screen: every name is let go (sent as an empty frame). */
  clear(): void {
    if (!this.count) return;
    this.values = {};
    this.count = 0;
    this.dirty = true;
  }

  /** After each frame, with its timestamp (ms). */
  flush(now: number): void {
    if (!this.enabled()) return;
    const due = this.dirty ? now - this.lastSent >= MIN_GAP_MS : this.count > 0 && now - this.lastSent >= KEEPALIVE_MS;
    if (!due) return;
    this.dirty = false;
    this.lastSent = now;
    this.send({ ...this.values });
  }
}

/** The screen's lights sink: flushed after every frame, cleared whenever the run on screen changes. */
export function useStageLights(screen: StageScreen): StageLights {
  const lights = useMemo(
    () => new StageLights((values) => screen.bridge.send({ t: 'lights', lights: { values } }), () => !!screen.store.getState().view?.audio),
    [screen],
  );
  useEffect(() => addAfterEffect((timestamp) => lights.flush(timestamp)), [lights]);
  useEffect(() => {
    let key = screen.host.snapshot().run?.key;
    return screen.host.subscribe(() => {
      const next = screen.host.snapshot().run?.key;
      if (next !== key) {
        key = next;
        lights.clear();
      }
    });
  }, [screen, lights]);
  return lights;
}
