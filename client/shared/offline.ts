import { z } from 'zod';
import { Id, InputSpec, OutputSettings, ParamSpec, Pattern, PieceVersion, Rect, ScreenKind, Wall, type DisplayView } from '../../protocol';

/*
 * Offline play for screens (docs/operations.md, "Offline play"): the service worker's registration,
 * and what a screen remembers in localStorage to start again without the server (its last view and
 * clock offset).
 */

/** A page that registers the worker: what it precaches besides the shared files. */
export type OfflinePage = 'display' | 'stage';

/** What registerOffline uses of the browser (the real one by default; tests hand in fakes). */
export interface OfflineEnv {
  navigator: {
    serviceWorker?: { register(url: string, options: { scope: string; updateViaCache: 'none' }): Promise<unknown> };
    storage?: { persist?(): Promise<boolean> };
  };
  isSecureContext: boolean;
  /** The page's address, for the page name and for saying which origin to trust. */
  location: { pathname: string; origin: string };
  log: { info(message: string): void; warn(message: string): void };
  /** Vite's dev server, which has no /sw.js (nor a build to precache). */
  dev?: boolean;
}

const browserEnv = (): OfflineEnv => ({ navigator, isSecureContext: window.isSecureContext, location: window.location, log: console, dev: import.meta.env.DEV });

/** The page a path is: /stage is the stage frame, anything else the screen page. */
export const pageOf = (pathname: string): OfflinePage => (/^\/stage\/?$/.test(pathname) ? 'stage' : 'display');

/** The worker's URL for a page: each page has its origin precache its own HTML. */
export const serviceWorkerUrl = (page: OfflinePage) => `/sw.js?page=${page}`;

/**
 * Registers the screens' service worker (/sw.js, scope '/') and asks for persistent storage, so a
 * screen reloaded while the server is down still has its page, code, fonts and pieces. Never
 * throws: without service workers (an insecure context, an old browser, a failed registration)
 * it says on the console why offline play is off and how to turn it on, and resolves.
 */
export async function registerOffline(opts: { page?: OfflinePage; env?: OfflineEnv } = {}): Promise<void> {
  let env: OfflineEnv;
  try {
    env = opts.env ?? browserEnv();
  } catch {
    return; // not a browser page
  }
  const { navigator: nav, log } = env;
  const page = opts.page ?? pageOf(env.location.pathname);
  if (env.dev) {
    log.info('offline: no service worker on the dev server; `npm run build && npm run serve` to try offline play');
    return;
  }
  if (!env.isSecureContext) {
    log.warn(
      `offline: offline play is off: ${env.location.origin} is not a secure context, and service workers need one. ` +
        `Serve Pavilion over HTTPS (docs/operations.md, "Offline play"), or start this screen with \`npm run screen\`, ` +
        `which tells Chromium to treat the server's origins as secure (--unsafely-treat-insecure-origin-as-secure).`,
    );
    return;
  }
  if (!nav.serviceWorker) {
    log.warn('offline: offline play is off: this browser has no service workers. Use a current Chromium (`npm run screen`).');
    return;
  }
  try {
    await nav.serviceWorker.register(serviceWorkerUrl(page), { scope: '/', updateViaCache: 'none' });
    log.info(`offline: service worker registered for ${env.location.origin} (${page})`);
  } catch (e) {
    log.warn(`offline: offline play is off: registering ${serviceWorkerUrl(page)} failed (${(e as Error)?.message ?? String(e)}). Check that the server serves /sw.js (\`npm run build\` builds it).`);
    return;
  }
  try {
    const persisted = nav.storage?.persist ? await nav.storage.persist() : null;
    if (persisted === null) log.info('offline: this browser cannot make storage persistent; the cache may be evicted under storage pressure');
    else log.info(persisted ? 'offline: storage is persistent' : 'offline: storage is not persistent (the browser refused); the cache may be evicted under storage pressure');
  } catch (e) {
    log.info(`offline: asking for persistent storage failed (${(e as Error)?.message ?? String(e)}); the cache may be evicted under storage pressure`);
  }
}

// ---- What a screen remembers to start offline -------------------------------------------------

const PieceSummarySchema = z.object({
  id: Id,
  title: z.string(),
  artist: z.string(),
  description: z.string(),
  version: z.string(),
  params: z.record(z.string(), ParamSpec),
  inputs: z.array(InputSpec),
  moduleUrl: z.string().nullable(),
  source: z.enum(['bundled', 'uploaded']),
  vr: z.boolean().optional(),
});

/** protocol/views.ts's DisplayView, checked when read back from storage (the type keeps the two in step). */
export const DisplayViewSchema: z.ZodType<DisplayView> = z.object({
  // Its output stage and pattern too: a projector started offline keeps its warp and blend.
  screen: z.object({ id: Id, wallId: Id.nullable(), rect: Rect, known: z.boolean(), blackout: z.boolean(), output: OutputSettings.optional(), pattern: Pattern.optional(), kind: ScreenKind.optional() }),
  wall: Wall.extend({ screens: z.array(z.object({ id: Id, rect: Rect })), manifest: PieceSummarySchema.nullable() }).nullable(),
  audio: z.boolean(),
  volume: z.number().finite(),
  visitUrl: z.string().nullable(),
  warmAhead: z.array(z.object({ installationId: Id, version: PieceVersion, moduleUrl: z.string().nullable() })).optional(),
  // A screen started offline from it is past its run's start and WARM_WAIT_MS: it switches at once, gate or not.
  gate: z.literal(true).optional(),
});

const StoredView = z.object({ format: z.literal(1), savedAt: z.number().finite(), view: z.unknown() });
const StoredClock = z.object({ format: z.literal(1), savedAt: z.number().finite(), offsetMs: z.number().finite() });

/** The part of localStorage these helpers use. */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const browserStorage = (): KeyValueStore | null => {
  try {
    return window.localStorage;
  } catch {
    return null; // no window, or storage disabled
  }
};

export const viewKey = (screenId: string) => `pavilion.offline.view.${screenId}`;
export const CLOCK_KEY = 'pavilion.offline.clock';

function write(storage: KeyValueStore | null, key: string, value: unknown): boolean {
  try {
    storage?.setItem(key, JSON.stringify(value));
    return storage !== null;
  } catch {
    return false; // full or disabled: offline start is best effort
  }
}

function drop(storage: KeyValueStore | null, key: string): void {
  try {
    storage?.removeItem(key);
  } catch {
    /* storage disabled: nothing to drop */
  }
}

/** The stored JSON under `key`, checked by `schema`; null (and the entry dropped) when it does not parse. */
function read<T>(storage: KeyValueStore | null, key: string, schema: z.ZodType<T>): T | null {
  let raw: string | null;
  try {
    raw = storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
  if (raw === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    drop(storage, key);
    return null;
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  drop(storage, key);
  return null;
}

/** Keeps the last view a screen got (`savedAt`: local epoch ms); false when storage refused it. */
export function rememberView(screenId: string, view: DisplayView, savedAt = Date.now(), storage = browserStorage()): boolean {
  return write(storage, viewKey(screenId), { format: 1, savedAt, view });
}

/** The last view kept for this screen, checked against DisplayView; null when none or not valid. */
export function lastView(screenId: string, storage = browserStorage()): { view: DisplayView; savedAt: number } | null {
  const stored = read(storage, viewKey(screenId), StoredView);
  if (!stored) return null;
  const view = DisplayViewSchema.safeParse(stored.view);
  if (!view.success) {
    drop(storage, viewKey(screenId));
    return null;
  }
  return { view: view.data, savedAt: stored.savedAt };
}

/** Keeps the clock's last offset: show time minus local epoch time (Date.now()), in ms. */
export function rememberClockOffset(offsetMs: number, savedAt = Date.now(), storage = browserStorage()): boolean {
  if (!Number.isFinite(offsetMs)) return false;
  return write(storage, CLOCK_KEY, { format: 1, savedAt, offsetMs });
}

/** The last clock offset kept (show time ≈ Date.now() + offsetMs); null when none or not valid. */
export function lastClockOffset(storage = browserStorage()): { offsetMs: number; savedAt: number } | null {
  const stored = read(storage, CLOCK_KEY, StoredClock);
  return stored ? { offsetMs: stored.offsetMs, savedAt: stored.savedAt } : null;
}
