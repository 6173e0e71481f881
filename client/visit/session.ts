import type { VisitorView } from '../../protocol/plain';
import { connect } from '../core/connection';
import { lookUpClockResponder, ResponderSocket } from '../core/clock-responder';
import { localNow } from '../core/now';
import { LightClock } from './clock';
import { visitorId } from './identity';
import { ANSWER_NOW_WINDOW, InputSender, PHONE_PACING } from './sender';
import { InputSocket, type InputWebSocket } from './input-socket';
import { sendInput } from './wire';

export type Phase = 'connecting' | 'joined' | 'reconnecting' | 'kicked' | 'replaced' | 'refused';

export interface VisitState {
  phase: Phase;
  view: VisitorView | null;
  /** Why the server refused the join: an error code, and its message. */
  refusal: { code: string; message: string } | null;
}

/**
 * The phone's session: joins the wall (again after every reconnect, with the same id, so the
 * server resumes its place), mirrors its VisitorView, and paces input through one InputSender.
 */
export function startVisit(wallId: string, lang: string, onChange: (s: VisitState) => void) {
  const id = visitorId();
  const socket = connect('/visitor');
  const state: VisitState = { phase: 'connecting', view: null, refusal: null };
  const set = (patch: Partial<VisitState>) => {
    Object.assign(state, patch);
    sender.setOpen(state.phase === 'joined' && state.view?.status === 'playing');
    onChange(state);
  };

  // Clock pings to the server's clock responder (off its busy event loop), else over the socket (docs/sync.md).
  let responder: ResponderSocket | null = null;
  lookUpClockResponder((url) => (responder = new ResponderSocket({ url, local: localNow, onOpen: () => sayPath('responder'), onClose: () => sayPath('socketio') })));
  // The way the pings go is told to the server when it changes (the responder opens or closes, and
  // after each join): the panel lists it.
  let pathSaid: 'responder' | 'socketio' | null = null;
  const sayPath = (path: 'responder' | 'socketio') => {
    if (path === pathSaid || state.phase !== 'joined' || !socket.connected) return;
    pathSaid = path;
    socket.emit('visitor:clock', { path });
  };
  const clock = new LightClock((t0) => {
    if (responder?.ready()) {
      sayPath('responder');
      return responder.ping(t0).then((r) => r.reply);
    }
    sayPath('socketio');
    return new Promise((resolve, reject) => {
      if (!socket.connected) return reject(new Error('not connected'));
      socket.timeout(2000).emit('clock:ping', t0, (err, reply) => (err ? reject(err) : resolve(reply)));
    });
  });

  // Inputs go with their number and no ack, as binary input frames when the server takes them (its
  // join answer says so; wire.ts), else as `visitor:put`; the server folds its answers into a few
  // `visitor:acked` a second (server/visitors/acks.ts), and the sender keeps a few in flight.
  // With a server that takes the answer-now flag (its join answer says so), a wider window: it
  // answers an input that fills the window at once and folds the rest over a second.
  let frames = false;
  let answerNow = false;
  // The input socket (input-socket.ts): a plain WebSocket for inputs and their answers, opened with
  // the ticket of the join answer; while it is not usable, inputs go over this session (wire.ts).
  const input = new InputSocket({
    origin: location.origin.replace(/^http/, 'ws'),
    make: (url) => new WebSocket(url) as unknown as InputWebSocket,
    ticket: () =>
      new Promise((resolve) => {
        if (!socket.connected || state.phase !== 'joined') return resolve(null);
        socket.timeout(5000).emit('visitor:ticket', null, (err, res) => resolve(!err && res.ok ? res.ticket : null));
      }),
    answer: (a) => sender.answer(a),
    now: () => performance.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  });
  const sender = new InputSender(
    {
      send: (msg, _done, full) => sendInput(socket, msg, frames, answerNow && full, input),
      now: () => performance.now(),
      stamp: () => clock.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    },
    PHONE_PACING,
  );
  socket.on('visitor:acked', (a) => sender.answer(a));

  let joinTimer: ReturnType<typeof setTimeout> | null = null;
  const join = () => {
    if (joinTimer) clearTimeout(joinTimer);
    joinTimer = null;
    socket.timeout(5000).emit('visitor:join', { wallId, visitorId: id, lang }, (err, res) => {
      if (err) {
        if (socket.connected) joinTimer = setTimeout(join, 1000);
        return;
      }
      if (!res.ok) return set({ phase: 'refused', refusal: res.error });
      frames = res.inputFrames === true;
      answerNow = frames && res.answerNow === true;
      sender.setWindow(answerNow ? ANSWER_NOW_WINDOW : (PHONE_PACING.window ?? 1));
      set({ phase: 'joined', view: res.view, refusal: null });
      if (res.inputTicket) input.start(res.inputTicket);
      else input.stop();
      pathSaid = null; // a new join: say it again at the next ping
      sayPath(responder?.ready() ? 'responder' : 'socketio');
    });
  };

  socket.on('connect', () => {
    sender.reset();
    join();
    clock.start();
  });
  socket.on('disconnect', () => {
    input.stop();
    sender.reset();
    clock.stop();
    if (state.phase === 'joined' || state.phase === 'connecting') set({ phase: 'reconnecting' });
  });
  socket.on('visitor:view', (view) => {
    if (view.piece?.id !== state.view?.piece?.id) sender.clear();
    set({ phase: state.phase === 'reconnecting' || state.phase === 'connecting' ? 'joined' : state.phase, view });
  });
  socket.on('visitor:kicked', (p) => {
    input.stop();
    set({ phase: p.reason === 'replaced' ? 'replaced' : 'kicked' });
  });

  return {
    state,
    sender,
    visitorId: id,
    /**
     * How inputs go now: on the input socket; as binary input frames on the session (the input
     * socket is not usable: refused, dropped, not open yet); or `visitor:put` (the server takes neither).
     */
    get inputPath(): 'socket' | 'frames' | 'put' {
      return input.ready ? 'socket' : frames ? 'frames' : 'put';
    },
    /** Input socket opens that failed or dropped since the last that worked. */
    get inputSocketFailures(): number {
      return input.failures;
    },
    /** After 'replaced' or a refusal: connect again (taking the place back from another tab). */
    retry() {
      set({ phase: 'connecting', refusal: null });
      if (socket.connected) join();
      else socket.connect();
    },
  };
}

export type Visit = ReturnType<typeof startVisit>;
