/*
 * The screens' service worker (docs/operations.md, "Offline play"), built to /sw.js by
 * scripts/lib/service-worker.ts. Both origins of a screen register it with scope '/': the screen
 * page /display on the main origin (`/sw.js?page=display`) and the stage frame /stage on the stage
 * origin (`/sw.js?page=stage`). Each precaches the files its origin serves:
 * - its own page (/display or /stage), every hashed chunk and stylesheet (static/), the shared
 *   modules (runtime/), and the fonts and patterns of /assets/ (assets/manifest.json);
 * - at run time, uploaded pieces' files (/pieces/<id>/<version>/..., immutable: cache first);
 * - the page itself and GET /api/stage: network first (2 s), then what is cached.
 * Nothing else is cached: no other /api/ answer, no /socket.io/ request.
 * A new build is a new sw.js: it installs, takes over at once (skipWaiting + clientsClaim) and
 * drops the files the old build listed; open pages keep running and use it from their next load.
 */
import { clientsClaim } from 'workbox-core';
import { ExpirationPlugin } from 'workbox-expiration';
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { CacheFirst, NetworkFirst, NetworkOnly } from 'workbox-strategies';

/** Written by the build (scripts/lib/service-worker.ts): the files to precache. */
declare const __PAVILION_PRECACHE__: { common: PrecacheEntry[]; pages: Record<string, PrecacheEntry> };

/** What this worker uses of its global scope (the project's type check runs with the DOM library). */
declare const self: {
  location: Location;
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install', listener: () => void): void;
};

/** The page URLs this worker answers navigations for, and the page each one is. */
const PAGES: Record<string, string> = { '/display': 'display', '/stage': 'stage' };
/** How long a page or /api/stage may take on the network before the cached copy answers. */
const NETWORK_TIMEOUT_S = 2;
/** Uploaded pieces' files kept at most (least recently used go first). */
const PIECE_FILES_MAX = 1000;

const page = new URL(self.location.href).searchParams.get('page') ?? '';
const lists = __PAVILION_PRECACHE__; // once: the build writes the lists in at each mention
const own = lists.pages[page];

self.addEventListener('install', () => void self.skipWaiting());
clientsClaim();
cleanupOutdatedCaches();

// Before the precache's route: a page is asked of the network first, its precached copy when that fails.
registerRoute(
  ({ request, url }) => request.mode === 'navigate' && PAGES[url.pathname] === page,
  new NetworkOnly({
    networkTimeoutSeconds: NETWORK_TIMEOUT_S,
    plugins: [{ handlerDidError: async ({ request }) => matchPrecache(new URL(request.url).pathname) }],
  }),
);

// The page's precached copy answers /display?screen=…&key=… too: query parameters are ignored.
precacheAndRoute([...lists.common, ...(own ? [own] : [])], { ignoreURLParametersMatching: [/.*/], cleanURLs: false });

registerRoute(
  ({ url }) => /^\/pieces\/[^/]+\/[^/]+\/./.test(url.pathname),
  new CacheFirst({ cacheName: 'pavilion-pieces', plugins: [new ExpirationPlugin({ maxEntries: PIECE_FILES_MAX, purgeOnQuotaError: true })] }),
);

registerRoute(({ url }) => url.pathname === '/api/stage', new NetworkFirst({ cacheName: 'pavilion-stage', networkTimeoutSeconds: NETWORK_TIMEOUT_S }));
