import { createStore } from 'zustand/vanilla';
import type { InstallationModule, ShowTime, VisitorsFrame } from 'pavilion/sdk';
import type { InputSpec, InputValue, ParamValues, PieceError, PieceSummary, VisitorEvent } from '../../protocol';
import { localNow } from '../core/connection';

export interface PreviewError extends PieceError {
  /** Which simulated screen saw it first. */
  screen: string;
}

export interface PreviewState {
  piece: PieceSummary | null;
  module: InstallationModule | null;
  /** Why the page cannot show the piece at all (unknown id, module failed to load…). */
  problem: string | null;
  params: ParamValues;
  span: boolean;
  /** Changes to remount the piece from t = 0 (restart, retry). */
  run: number;
  failed: boolean;
  errors: PreviewError[];
  paused: boolean;
  sound: 'off' | 'starting' | 'on' | 'blocked';
  /** Preload progress the piece reported (0..1), or null. */
  progress: number | null;
}

export const previewStore = createStore<PreviewState>(() => ({
  piece: null,
  module: null,
  problem: null,
  params: {},
  span: new URLSearchParams(location.search).has('span'),
  run: 0,
  failed: false,
  errors: [],
  paused: false,
  sound: 'off',
  progress: null,
}));

/** The show time every simulated screen reads: one live object, so they all draw the same moment. */
export const previewTime: ShowTime = { now: localNow(), seconds: 0, delta: 0, paused: false };
const clock = { startedAt: localNow(), pausedAt: null as number | null, heldMs: 0 };

export function restartClock(): void {
  clock.startedAt = localNow();
  clock.pausedAt = previewStore.getState().paused ? clock.startedAt : null;
  clock.heldMs = 0;
  previewTime.seconds = 0;
  previewTime.delta = 0;
}

export function setPaused(paused: boolean): void {
  const now = localNow();
  if (paused && clock.pausedAt === null) clock.pausedAt = now;
  if (!paused && clock.pausedAt !== null) {
    clock.heldMs += now - clock.pausedAt;
    clock.pausedAt = null;
  }
  previewStore.setState({ paused });
}

/** Called once per frame (before the pieces run) with the frame's epoch time. */
export function advanceTime(now: number): void {
  const t = clock.pausedAt ?? now;
  const seconds = Math.max(0, (t - clock.startedAt - clock.heldMs) / 1000);
  previewTime.delta = Math.max(0, seconds - previewTime.seconds);
  previewTime.seconds = seconds;
  previewTime.now = t;
  previewTime.paused = clock.pausedAt !== null;
}

export function startedAt(): number {
  return clock.startedAt;
}

/** The fake visitors: their state, and events handed to the pieces once per frame. */
export const previewVisitors: VisitorsFrame = { visitors: [], events: [], seq: 0 };
let pending: VisitorEvent[] = [];

export function setVisitorInput(visitorId: string, input: string, value: InputValue, event: boolean): void {
  const v = previewVisitors.visitors.find((x) => x.id === visitorId);
  if (!v) return;
  if (event) pending.push({ visitorId, input, value, at: localNow() });
  else previewVisitors.visitors = previewVisitors.visitors.map((x) => (x === v ? { ...x, inputAt: previewTime.now, input: { ...x.input, [input]: value } } : x));
}

export const YOU = 'preview-you';
let crowdInputs: InputSpec[] = [];
let lastBeat = new Map<string, number>();

/** Who is there: you (the fake visitor the panel drives) and `crowd` bots that wander and press. */
export function setPresence(you: boolean, crowd: number, inputs: InputSpec[]): void {
  crowdInputs = inputs;
  const now = localNow();
  const keep = new Map(previewVisitors.visitors.map((v) => [v.id, v]));
  const list: VisitorsFrame['visitors'] = [];
  if (you) list.push(keep.get(YOU) ?? { id: YOU, hue: 0.55, joinedAt: now, inputAt: now, input: {} });
  for (let i = 0; i < crowd; i++) {
    const id = `preview-bot-${i + 1}`;
    list.push(keep.get(id) ?? { id, hue: (0.13 + i * 0.618034) % 1, joinedAt: now, inputAt: now, input: {} });
  }
  previewVisitors.visitors = list;
  lastBeat = new Map([...lastBeat].filter(([id]) => keep.has(id)));
}

/** Bots move in slow closed curves and press buttons every few seconds. */
function moveCrowd(): void {
  const t = previewTime.seconds;
  previewVisitors.visitors = previewVisitors.visitors.map((v, i) => {
    if (v.id === YOU) return v;
    const input: Record<string, InputValue> = { ...v.input };
    for (const spec of crowdInputs) {
      const a = t * (0.2 + 0.05 * (i % 5)) + i * 2.4;
      if (spec.type === 'xy' || spec.type === 'tilt') input[spec.id] = { x: Math.round(Math.sin(a) * 0.8 * 1e4) / 1e4, y: Math.round(Math.sin(a * 1.3 + i) * 0.7 * 1e4) / 1e4 };
      else if (spec.type === 'slider') input[spec.id] = spec.min + ((Math.sin(a) + 1) / 2) * (spec.max - spec.min);
      else {
        const beat = Math.floor((t + i * 1.7) / 6);
        const key = `${v.id}:${spec.id}`;
        if (lastBeat.has(key) && lastBeat.get(key) !== beat) pending.push({ visitorId: v.id, input: spec.id, value: spec.type === 'button' ? true : ['hello', 'light', 'echo', 'wave'][i % 4]!, at: previewTime.now });
        lastBeat.set(key, beat);
      }
    }
    return { ...v, inputAt: previewTime.now, input };
  });
}

export function advanceVisitors(): void {
  if (previewVisitors.visitors.some((v) => v.id !== YOU)) moveCrowd();
  if (!pending.length) {
    if (previewVisitors.events.length) previewVisitors.events = [];
    return;
  }
  previewVisitors.events = pending;
  previewVisitors.seq++;
  pending = [];
}

/** Records an error; `fail` takes the piece off every simulated screen (the calm fallback instead). */
export function reportPreviewError(screen: string, phase: PieceError['phase'], error: unknown, fail = true): void {
  const s = previewStore.getState();
  if (s.failed) return;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
  const stack = error instanceof Error ? error.stack : undefined;
  const entry: PreviewError = {
    at: Date.now(),
    installationId: s.piece?.id ?? null,
    version: s.piece?.version ?? null,
    phase,
    message: message.slice(0, 2000),
    ...(stack ? { stack: stack.slice(0, 8000) } : {}),
    screen,
  };
  console.warn(`[pavilion preview] ${phase} error: ${entry.message}`);
  previewStore.setState({ failed: fail, errors: [...s.errors.slice(-19), entry] });
}
