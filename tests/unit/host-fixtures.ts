import type { InstallationModule } from 'pavilion/sdk';
import type { DisplayView } from '../../protocol';
import { PieceHost, type HostError, type HostOptions, type PieceSource, type RendererLike, type Timers } from '../../client/host';

/** A piece module that is never rendered: the host only passes it on. */
export function fakeModule(id: string, version = '1.0.0'): InstallationModule {
  return { manifest: { id, title: id, artist: 'test', description: '', version, params: {} }, Component: () => null };
}

/** Modules the test resolves or rejects by hand. */
export class ManualPieces implements PieceSource {
  readonly loads: string[] = [];
  private readonly waiting = new Map<string, { resolve: (m: InstallationModule) => void; reject: (e: unknown) => void }>();
  private readonly loaded = new Set<string>();

  load(id: string): Promise<InstallationModule> {
    this.loads.push(id);
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
  }

  isLoaded(id: string): boolean {
    return this.loaded.has(id);
  }

  /** Resolves a pending load, then lets the host's promise callbacks run. */
  async arrive(id: string): Promise<void> {
    this.loaded.add(id);
    this.waiting.get(id)?.resolve(fakeModule(id));
    await Promise.resolve();
  }

  async fail(id: string, error: unknown): Promise<void> {
    this.waiting.get(id)?.reject(error);
    await Promise.resolve();
  }
}

/** Timers run by hand: `runDue(t)` fires every timer whose deadline is at or before t (test time). */
export class ManualTimers implements Timers {
  now = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;

  setTimeout(fn: () => void, ms: number): number {
    const id = this.next++;
    this.timers.set(id, { at: this.now + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.timers]) {
      if (t.at > this.now) continue;
      this.timers.delete(id);
      t.fn();
    }
  }
}

/** A host on a test clock: a frame's show time is its timestamp plus `offset` (timeOrigin 0). */
export function testHost(opts: Partial<HostOptions> & { offset?: number } = {}) {
  const pieces = new ManualPieces();
  const timers = new ManualTimers();
  const sent: HostError[] = [];
  const warnings: string[] = [];
  const offset = opts.offset ?? 1_000_000;
  const host = new PieceHost({
    toShowTime: (t) => t + offset,
    timeOrigin: 0,
    pieces,
    timers,
    now: () => timers.now,
    sendError: (e) => sent.push(e),
    warn: (m) => warnings.push(m),
    ...opts,
  });
  /** Draws a frame whose own timestamp maps to `showTime`. */
  const frameAt = (showTime: number) => host.frame(showTime - offset);
  return { host, pieces, timers, sent, warnings, offset, frameAt };
}

type Wall = NonNullable<DisplayView['wall']>;

/** A wall as the server sends it in a DisplayView. */
export function wallView(over: Partial<Wall> = {}): Wall {
  return {
    id: 'main',
    name: 'Main',
    width: 3840,
    height: 1080,
    installationId: null,
    params: {},
    startedAt: 0,
    paramsAt: 0,
    pausedAt: null,
    heldMs: 0,
    audioScreens: [],
    visitorCap: 100,
    visitorInput: true,
    showQr: false,
    quality: 'auto',
    screens: [{ id: 'main-1', rect: { x: 0, y: 0, w: 1920, h: 1080 } }],
    manifest: null,
    ...over,
  };
}

/** A wall playing `id` (version 1.0.0, bundled) from `startedAt`. */
export function playing(id: string, startedAt: number, over: Partial<Wall> = {}): Wall {
  const manifest = { id, title: id, artist: 'test', description: '', version: '1.0.0', params: {}, inputs: [], moduleUrl: null, source: 'bundled' as const };
  return wallView({ installationId: id, startedAt, paramsAt: startedAt, manifest, ...over });
}

/** A renderer the host can attach: `memory` as renderer.info reports it, no programs. */
export const fakeRenderer = (memory = { geometries: 0, textures: 0 }): RendererLike => ({ info: { memory, programs: [] }, getContext: () => ({}) as WebGLRenderingContext });

/** Modules already in the page (as PieceLoader caches them): a load resolves at once. */
export class LoadedPieces implements PieceSource {
  private readonly modules = new Map<string, InstallationModule>();
  load(id: string): Promise<InstallationModule> {
    let m = this.modules.get(id);
    if (!m) this.modules.set(id, (m = fakeModule(id)));
    return Promise.resolve(m);
  }
  isLoaded(id: string): boolean {
    return this.modules.has(id);
  }
}

/** Lets pending promise callbacks (a module load) run. */
export const settle = () => new Promise((r) => setTimeout(r, 0));
