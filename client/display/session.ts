import type { DisplayClientToServer, DisplayServerToClient } from '../../protocol';
import { connect, syncOverSocket } from '../core/connection';
import { lookUpClockResponder } from '../core/clock-responder';
import type { ClockSync } from '../core/clock-sync';
import { createDisplayStore, type DisplayStore } from './store';
import { Credentials } from './credentials';
import { StageRelay } from './relay';
import { findStageOrigin } from '../shared/stage-origin';
import { lastClockOffset, lastView, rememberClockOffset, rememberView } from '../shared/offline';
import { localNow } from '../core/now';

/** How long a page that cannot reach the server waits before it plays its last view. */
export const OFFLINE_START_MS = 3000;

export type DisplaySocket = ReturnType<typeof connect<DisplayServerToClient, DisplayClientToServer>>;

/** Everything one screen page runs on: made once, in main.tsx, and handed down. */
export interface Screen {
  screenId: string;
  socket: DisplaySocket;
  clock: ClockSync;
  store: DisplayStore;
  /** The bridge to the stage frame, where the pieces run (client/stage). */
  relay: StageRelay;
}

/**
 * Connects this screen: says hello with its key, mirrors its view into the store and on to the
 * stage (the sandboxed frame that runs the pieces), syncs the clock. Without a key the server takes, the page shows a pairing code and waits for a
 * technician to approve it (docs/display.md, pairing); then it stores the key and plays.
 */
export function startScreen(screenId: string, urlKey: string | null = null): Screen {
  const credentials = new Credentials(screenId, urlKey);
  const socket = connect<DisplayServerToClient, DisplayClientToServer>('/display');
  // Clock pings from a worker: this page's main thread is busy rendering; to the server's clock
  // responder, off its busy event loop, else over socket.io (docs/sync.md).
  const clock = syncOverSocket(socket, { workerUrl: `${location.origin}/display`, responder: (found) => lookUpClockResponder(found) });
  const store = createDisplayStore(screenId);
  const relay = new StageRelay(screenId, socket, clock, store);
  // Offline play (docs/display.md): the last view and clock offset are kept, and a page that
  // cannot reach the server starts from them after a short wait; the server's hello replaces them.
  const saved = lastClockOffset();
  if (saved) relay.fallbackOffsetMs = saved.offsetMs + (Date.now() - localNow());
  store.subscribe((s, prev) => {
    if (s.view && s.view !== prev.view && s.connected) rememberView(screenId, s.view);
  });
  let keptAt = 0;
  clock.onUpdate((e) => {
    if (!e.synced || localNow() - keptAt < 10_000) return;
    keptAt = localNow();
    rememberClockOffset(e.offsetMs + (localNow() - Date.now())); // show − Date.now()
  });
  setTimeout(() => {
    const s = store.getState();
    if (s.connected || s.view || s.pairing) return;
    const last = lastView(screenId);
    if (last) store.setState({ view: last.view });
  }, OFFLINE_START_MS);
  const locate = (): void =>
    void findStageOrigin().then((origin) => {
      if (origin) return store.setState({ stageOrigin: origin });
      setTimeout(locate, 2000); // neither the server nor this page's storage knows it yet
    });
  locate();

  let claim: string | undefined; // keeps this page's pairing code over a reconnect
  let retry: ReturnType<typeof setTimeout> | undefined;
  /** Tries each key this page knows, newest first; with none left, the page waits to be paired. */
  const hello = (attempt = 0) => {
    clearTimeout(retry);
    const keys = credentials.candidates();
    const key = keys[attempt];
    socket.timeout(5000).emit('display:hello', { screenId, ...(key ? { key } : {}), ...(claim ? { claim } : {}) }, (err, res) => {
      if (err) return void (retry = setTimeout(() => hello(), 1000));
      if (res.ok) {
        if (key) credentials.accepted(key);
        return store.setState({ view: res.view, problem: null, pairing: null });
      }
      if (res.error.code === 'unauthorized') {
        if (attempt + 1 < keys.length) return hello(attempt + 1);
        if (keys.length) credentials.refused();
        return store.setState({ view: null, problem: null }); // 'display:pairing' came first and set the code
      }
      store.setState({ view: null, pairing: null, problem: `The server refused this screen: ${res.error.message}` });
      if (res.error.code === 'rate_limited') retry = setTimeout(() => hello(), 15_000);
    });
  };
  socket.on('connect', () => {
    store.setState({ connected: true });
    hello(); // after every reconnect: the server resends the full view
  });
  socket.on('disconnect', () => store.setState({ connected: false }));
  socket.on('display:view', (view) => store.setState({ view }));
  socket.on('display:pairing', (p) => {
    claim = p.claim;
    store.setState({ pairing: p, view: null, problem: null }); // a revoked key lands here too: stop playing
  });
  socket.on('display:paired', ({ screenId: id, key }) => {
    credentials.approved(id, key);
    if (id !== screenId) return location.replace(`${location.pathname}?screen=${encodeURIComponent(id)}`); // now another screen: start as it
    hello();
  });
  socket.on('screen:identify', ({ until }) => store.setState({ identifyUntil: clock.now() + Math.max(0, Math.min(10_000, until - clock.now())) }));
  socket.on('screen:reload', () => location.reload());
  socket.on('error:notice', (n) => console.warn(`[pavilion] server notice: ${n.code}: ${n.message}`));
  return { screenId, socket, clock, store, relay };
}
