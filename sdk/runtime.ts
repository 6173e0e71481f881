import { createContext } from 'react';
import type { ManifestInput, ParamValues, VisitorState, VisitorEvent } from '../protocol';

/** The show time of the frame being drawn. Read it inside useFrame; it is updated before pieces run. */
export interface ShowTime {
  /** Show time (ms since the Unix epoch, server clock) of this frame; frozen while the wall is paused. */
  now: number;
  /** Seconds since the piece started on this wall, minus paused time. Animate from this. */
  seconds: number;
  /** Seconds between this frame and the last one, from show time (0 when paused). */
  delta: number;
  /** Whether the wall is paused (a frozen frame). */
  paused: boolean;
}

export interface ScreenRect {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The wall this screen belongs to, in wall units (nominally pixels). */
export interface WallGeometry {
  wallId: string;
  width: number;
  height: number;
  aspect: number;
  /** This screen's rectangle in the wall. */
  screen: ScreenRect;
  screens: ScreenRect[];
}

export interface VisitorsFrame {
  /** Every visitor present, with the latest value of each of their inputs. */
  visitors: VisitorState[];
  /** Inputs that arrived since the previous frame (button presses, words). */
  events: VisitorEvent[];
  /** Input frame sequence number. */
  seq: number;
}

/** What a screen's audio layer offers a piece. Null when this screen plays no sound. */
export interface SoundRuntime {
  /** Tone.js, already started. */
  Tone: typeof import('tone');
  /** Connect your nodes here (master volume and blackout follow it). */
  output: import('tone').ToneAudioNode;
  /** Converts a show time (ms) to the audio context's time (s), drift-corrected. */
  audioTime(showMs: number): number;
  /** Show time (ms) at which the piece started on the wall. */
  startedAt: number;
  /**
   * Declares work the sound graph needs before it is complete: a reverb's impulse response, a
   * sample that loads, a worklet's module. A screen warms a piece off-screen before its start; it
   * counts the piece warm (and so lets the switch happen on time, with nothing left to build) only
   * once each promise given here has settled. createSoundBus declares its reverb's (`Reverb.ready`)
   * itself. Absent where the host warms nothing (a unit test's stand-in): call it as
   * `sound.waitFor?.(promise)`.
   */
  waitFor?(work: PromiseLike<unknown>): void;
}

/**
 * What the host (client/host) hands one run of a piece on one screen; pieces read it through the
 * hooks. `time` and `visitors` are live objects the host updates each frame before pieces run.
 */
export interface PieceRuntime {
  installationId: string;
  manifest: ManifestInput;
  time: ShowTime;
  wall: WallGeometry;
  params: ParamValues;
  visitors: VisitorsFrame;
  /** Seed shared by every screen of the wall, the same for every play of the piece on that wall (client/host/program.ts seedOf). */
  seed: string;
  /** The wall's quality setting on this screen, resolved by the host ('auto': from the GPU and canvas size). */
  quality: 'low' | 'medium' | 'high';
  sound: SoundRuntime | null;
  /** Reports asset progress (bytes) so the screen shows a preload bar. */
  reportProgress(loaded: number, total: number): void;
  /** Reports an error that the piece caught itself (e.g. an asset that failed). */
  reportError(phase: 'asset' | 'audio' | 'frame', error: unknown): void;
  /** Reports the error and replaces the piece with the calm fallback on this screen (hosts that support it). */
  fail?(phase: 'asset' | 'audio' | 'frame', error: unknown): void;
}

export const PieceRuntimeContext = createContext<PieceRuntime | null>(null);
export const ParamsContext = createContext<ParamValues>({});
export const SoundContext = createContext<SoundRuntime | null>(null);
