import type { CommandInput } from '../../protocol';
import { connect, localNow, syncOverSocket, type SocketOf } from '../core/connection';
import { lookUpClockResponder } from '../core/clock-responder';
import type { ClockSync } from '../core/clock-sync';
import { confirmDone, toast, toastError, useControl } from './store';
import { inverseOf } from './undo';
import { acknowledged, withAcked } from './acked';

type ControlSocket = SocketOf<'/control'>;

let socket: ControlSocket | null = null;
let clock: ClockSync | null = null;
let watching = false;

/** Show time now (the server's clock), from the clock sync once it has answered, else the local clock. */
export function showNow(): number {
  return clock && clock.estimate().synced ? clock.now() : localNow();
}

/** Converts a local epoch time (e.g. from a time input) to show time. */
export function toShowTime(localEpochMs: number): number {
  return localEpochMs + (showNow() - Date.now());
}

/** Opens the control socket. The session cookie authenticates it. */
export function openLink(): void {
  if (socket) return;
  const s = connect('/control');
  socket = s;
  clock = syncOverSocket(s, { responder: (found) => lookUpClockResponder(found) }); // the clock responder first (docs/sync.md)
  const c = clock;
  c.onUpdate(() => {
    if (useControl.getState().clockPath !== c.path) useControl.setState({ clockPath: c.path }); // the header shows it
  });
  s.on('connect', () => {
    useControl.setState({ connected: true });
    if (watching) s.emit('control:watch', { thumbnails: true });
  });
  s.on('disconnect', (reason) => {
    useControl.setState({ connected: false });
    // The server closes a session's sockets when it signs out (in another tab or window).
    if (reason === 'io server disconnect') {
      closeLink();
      useControl.setState({ phase: 'signed-out', signInNote: 'This session was signed out (in another tab or window). Sign in again.' });
    }
  });
  s.on('connect_error', (err: Error) => {
    const code = (err as Error & { data?: { code?: string } }).data?.code ?? /^(unauthorized|forbidden)/.exec(err.message)?.[1] ?? null;
    if (code === 'unauthorized' || code === 'forbidden') {
      closeLink();
      useControl.setState({
        phase: 'signed-out',
        signInNote: code === 'forbidden' ? 'This session cannot run the show. Sign in with the technician token.' : 'Your session has ended. Sign in again.',
      });
    }
  });
  s.on('control:state', (show) => {
    useControl.setState((st) => ({ show, wallId: st.wallId && show.walls.some((w) => w.id === st.wallId) ? st.wallId : (show.walls[0]?.id ?? null) }));
  });
  s.on('control:pieces', ({ pieces }) => useControl.setState({ pieces }));
  s.on('control:thumbnail', ({ screenId, dataUrl, at }) => useControl.setState((st) => ({ thumbs: { ...st.thumbs, [screenId]: { dataUrl, at } } })));
  s.on('control:error', (e) =>
    toast('warn', `Screen ${e.screenId}: ${e.installationId ?? 'the screen'} failed (${e.phase})`, e.message.slice(0, 300)),
  );
}

export function closeLink(): void {
  clock?.stop();
  clock = null;
  socket?.removeAllListeners();
  socket?.disconnect();
  socket = null;
  useControl.setState({ connected: false, show: null, pieces: [], thumbs: {} });
}

/** Asks the screens for thumbnails while someone looks at them. */
export function watchThumbnails(on: boolean): void {
  if (watching === on) return;
  watching = on;
  if (socket?.connected) socket.emit('control:watch', { thumbnails: on });
}

/** Commands sent many times a second while a control moves: their effect is the confirmation. */
const CONTINUOUS = new Set<string>(['wall.params', 'show.volume', 'wall.layout', 'screen.output', 'dmx.set']);

/**
 * Sends one command and waits for its ack. Refusals become an error toast with the server's
 * message. Resolves true when the server applied it.
 */
export async function send(command: CommandInput, what?: string): Promise<boolean> {
  const label = what ?? command.type;
  const before = withAcked(useControl.getState().show); // for Undo: the show as it was before this command
  if (!socket?.connected) {
    toast('error', `${label}: not sent`, 'The control panel is not connected to the server; it reconnects by itself. Try again in a moment.');
    return false;
  }
  try {
    const res = await socket.timeout(8000).emitWithAck('command', command);
    if (!res.ok) {
      toastError(`${label}: refused`, res.error);
      return false;
    }
    acknowledged(command, res.version);
    // Applied, with a caveat: e.g. an explicit `at` too soon for some screens to warm up (they will be late).
    if (res.warning) toast('warn', `${label}: ${res.late?.length ? `${res.late.length} screen(s) will be late` : 'note'}`, res.warning);
    else if (!CONTINUOUS.has(command.type)) {
      const inverse = before ? inverseOf(command, before) : null;
      confirmDone(`✓ ${label}`, inverse ? { label: 'Undo', run: () => void send(inverse, `Undo ${label}`) } : undefined);
    }
    return true;
  } catch {
    toast('error', `${label}: no answer`, 'The server did not answer within 8 s. Check the connection, then look at the show state before retrying.');
    return false;
  }
}
