import type { DisplayClientToServer, DisplayServerToClient } from '../../protocol';
import { connect, syncOverSocket } from '../core/connection';
import type { ClockSync } from '../core/clock-sync';
import { PieceHost, PieceLoader, SoundEngine, programOf } from '../host';
import { createDisplayStore, type DisplayStore } from './store';
import { startThumbnails } from './thumbnails';

export type DisplaySocket = ReturnType<typeof connect<DisplayServerToClient, DisplayClientToServer>>;

/** Everything one screen page runs on: made once, in main.tsx, and handed down. */
export interface Screen {
  screenId: string;
  socket: DisplaySocket;
  clock: ClockSync;
  store: DisplayStore;
  host: PieceHost;
  sound: SoundEngine;
}

/** Connects this screen: registers, mirrors its view into the store and the host, syncs the clock. */
export function startScreen(screenId: string): Screen {
  const socket = connect<DisplayServerToClient, DisplayClientToServer>('/display');
  // Clock pings from a worker: this page's main thread is busy rendering (docs/sync.md).
  const clock = syncOverSocket(socket, { workerUrl: `${location.origin}/display` });
  const store = createDisplayStore(screenId);
  const host = new PieceHost({
    toShowTime: (local) => clock.toShowTime(local),
    pieces: new PieceLoader(),
    sendError: ({ at: _at, screen: _screen, ...report }) => socket.emit('display:error', report),
    sendPreload: (p) => socket.emit('display:preloaded', p),
  });
  const sound = new SoundEngine({ onBlocked: (blocked) => store.setState({ soundBlocked: blocked }) });
  store.subscribe((s, prev) => {
    if (s.view !== prev.view) host.setProgram(programOf(s.view?.wall ?? null));
  });
  host.capture(window);
  startThumbnails(socket);

  const hello = () =>
    socket.timeout(5000).emit('display:hello', { screenId }, (err, res) => {
      if (err) return void setTimeout(hello, 1000);
      if (!res.ok) return store.setState({ problem: `The server refused this screen: ${res.error.message}` });
      store.setState({ view: res.view, problem: null });
    });
  socket.on('connect', () => {
    store.setState({ connected: true });
    host.visitors.resetSequence();
    hello(); // after every reconnect: the server resends the full view
  });
  socket.on('disconnect', () => store.setState({ connected: false }));
  socket.on('display:view', (view) => store.setState({ view }));
  socket.on('screen:identify', ({ until }) => store.setState({ identifyUntil: clock.now() + Math.max(0, Math.min(10_000, until - clock.now())) }));
  socket.on('screen:reload', () => location.reload());
  socket.on('visitors:frame', (f) => host.visitors.receive(f));
  socket.on('error:notice', (n) => console.warn(`[pavilion] server notice: ${n.code}: ${n.message}`));
  return { screenId, socket, clock, store, host, sound };
}
