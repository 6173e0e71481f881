/**
 * Simulated phones: `count` phones in this process, each moving its finger at `hz`.
 *   pavilion — join the wall, then send through the phone page's own InputSender
 *              (client/visit/sender.ts, the page's pacing): its latest position, paced, with
 *              folded answers (the inputs on the page's input socket with its binary answers,
 *              `--wire socket`, as the page sends them; or as binary input frames on the socket.io
 *              session, `--wire frames`; or `visitor:put` events, `--wire put`) or,
 *              with `--acks each`, one answer per input (`visitor:input`, one in flight);
 *   relay    — the naive phone: emit every position at `hz`, no acks;
 *   floor    — a raw WebSocket on the input socket's path, sending every position at `hz` as the
 *              page's input frame (no join, no pacing): the load for the transport's floor.
 * Two kinds of phone, speaking the same wire format:
 *   light (default) — a raw WebSocket per phone (light-phone.ts): socket.io's packets by hand;
 *   real            — socket.io-client, as the phone page (its inputs through client/visit/wire.ts).
 * Every input carries `sentAt` (Date.now(), shared by all processes on this host). Ticks come
 * from one timer per process, in 10 slots per period (not one timer per phone).
 */
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { ANSWER_NOW_WINDOW, InputSender, PHONE_PACING, type OutgoingInput, type SendOutcome } from '../../client/visit/sender';
import { VISITOR_INPUT_PATH, encodeInputFrame, type AnswerFrame, type FoldedAck } from '../../protocol/plain';
import { sendInput as sendLikeThePage } from '../../client/visit/wire';
import { InputSocket, type InputWebSocket } from '../../client/visit/input-socket';
import type { SocketOf } from '../../client/core/connection';
import { LightPhone } from './light-phone';
import type { FromPhones, PhoneJob, PhoneReport, ToPhones } from './protocol';

const job = await new Promise<PhoneJob>((resolve) => process.once('message', (m) => resolve(m as PhoneJob)));
const send = (m: FromPhones) => process.send!(m);
const period = 1000 / job.hz;
/** Pacing: at least this many round trips between two sends (client/visit/sender.ts rttFactor). */
const RTT_FACTOR = Number(process.env.BENCH_RTT_FACTOR ?? 2);
const folded = job.acks === 'folded';
/** Folded inputs on the input socket (the phone page since issue 16's input socket): its own code, client/visit/input-socket.ts. */
const socketWire = folded && job.wire === 'socket';
const frames = folded && (job.wire === 'frames' || socketWire);

type InputAck = { ok: true; pace?: number } | { ok: false; error: { code: string; message: string } };

/** What a bench phone needs of its connection, whichever kind it is. */
interface Link {
  readonly connected: boolean;
  emit(event: string, payload: unknown): void;
  emitWithAck(event: string, payload: unknown, done: (answer: unknown) => void): void;
  /** One folded input: on the input socket when ready, else an input frame (`frames`; `answerNow`: with the flag), else `visitor:put`. */
  put(msg: OutgoingInput, answerNow: boolean, input: InputSocket | null): void;
  on(event: string, fn: (payload: unknown) => void): void;
  close(): void;
}

function realLink(socket: Socket): Link {
  return {
    get connected() {
      return socket.connected;
    },
    emit: (event, payload) => void socket.emit(event, payload),
    emitWithAck: (event, payload, done) => void socket.emit(event, payload, done),
    // the phone page's own code path
    put: (msg, answerNow, input) => sendLikeThePage(socket as unknown as SocketOf<'/visitor'>, msg, frames, answerNow, input ?? undefined),
    on: (event, fn) => void socket.on(event, fn),
    close: () => void socket.close(),
  };
}

function lightLink(phone: LightPhone): Link {
  const handlers = new Map<string, (payload: unknown) => void>();
  phone.onEvent = (event, payload) => handlers.get(event)?.(payload);
  return {
    get connected() {
      return phone.connected;
    },
    emit: (event, payload) => phone.emit(event, payload),
    emitWithAck: (event, payload, done) => phone.emitWithAck(event, payload, done),
    put: (msg, answerNow, input) => {
      const frame = frames ? encodeInputFrame(msg, answerNow) : null;
      if (frame && input?.ready && input.send(frame)) return;
      if (frame) phone.sendFrame(frame);
      else phone.emit('visitor:put', msg);
    },
    on: (event, fn) => void handlers.set(event, fn),
    close: () => phone.close(),
  };
}

/** `floor`: one raw WebSocket on the input socket's path; only `connected`, `sendFrame` (through put) and `close` are used. */
async function floorLink(): Promise<Link> {
  const ws = new WebSocket(`${job.url.replace(/^http/, 'ws')}${VISITOR_INPUT_PATH}`, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('message', () => report.acks++);
  ws.on('error', () => {});
  const none = () => {};
  return {
    get connected() {
      return ws.readyState === WebSocket.OPEN;
    },
    emit: none,
    emitWithAck: none,
    put: (msg) => {
      const frame = encodeInputFrame(msg);
      if (frame) ws.send(frame);
    },
    on: none,
    close: () => ws.close(),
  };
}

async function connect(): Promise<Link> {
  if (job.mode === 'floor') return floorLink();
  if (job.phones === 'light') return lightLink(await LightPhone.connect(job.url, '/visitor', { timeoutMs: 20_000 }));
  const socket = io(`${job.url}/visitor`, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 20_000 });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => {
      socket.close();
      reject(e);
    });
  });
  return realLink(socket);
}

interface Phone {
  link: Link;
  /** pavilion only: the phone page's pacing. */
  sender: InputSender | null;
  /** `--wire socket`: the phone's input socket (the page's own InputSocket over `ws`). */
  input: InputSocket | null;
  lastSent: number;
  phase: number;
  /** `floor`: the number of the phone's last input. */
  n: number;
}
const phones: Phone[] = [];
const errors: string[] = [];
let failed = 0;
const empty = (): PhoneReport => ({ connected: 0, failed: 0, sent: 0, acked: 0, acks: 0, heldAtPhone: 0, paced: 0, refused: {}, stalled: 0, onInputSocket: 0, cpuMs: 0 });
let report = empty();
let cpu0 = process.cpuUsage();

async function open(i: number): Promise<void> {
  let answerNow = false;
  let ticket: string | null = null;
  try {
    const link = await connect();
    if (job.mode === 'pavilion') {
      const visitorId = `${job.prefix}-${String(i).padStart(6, '0')}`;
      type JoinAnswer = { ok: boolean; error?: { message: string }; view?: { status: string }; answerNow?: boolean; inputTicket?: string };
      const res = await new Promise<JoinAnswer>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('join: no answer in 20 s')), 20_000);
        link.emitWithAck('visitor:join', { wallId: 'main', visitorId }, (r) => {
          clearTimeout(t);
          resolve(r as never);
        });
      }).catch((e: Error): JoinAnswer => ({ ok: false, error: { message: e.message } }));
      if (!res.ok || res.view?.status !== 'playing') {
        link.close();
        throw new Error(`join: ${res.ok ? `status ${res.view?.status}` : res.error?.message}`);
      }
      // as the phone page (client/visit/session.ts): the flag and the wider window only with input frames to a server that takes it
      answerNow = frames && res.answerNow === true;
      ticket = res.inputTicket ?? null;
    }
    const p = phone(link, answerNow);
    phones.push(p);
    if (p.input) {
      p.input.start(ticket);
      // as a page: the socket is used once the server says it is bound (its ready frame)
      for (let t = 0; t < 100 && ticket && !p.input.ready && p.input.failures === 0; t++) await new Promise((r) => setTimeout(r, 50));
    }
  } catch (e) {
    failed++;
    if (errors.length < 5) errors.push((e as Error).message);
  }
}

// Connect in small batches so that the handshakes do not all land at once.
for (let i = 0; i < job.count; i += 20) await Promise.all(Array.from({ length: Math.min(20, job.count - i) }, (_, k) => open(i + k)));
send({ type: 'connected', connected: phones.length, failed, errors });

const position = (p: Phone, t: number) => ({
  x: Math.round(Math.sin(t / 700 + p.phase) * 10000) / 10000,
  y: Math.round(Math.cos(t / 900 + p.phase * 1.3) * 10000) / 10000,
});

/** A connected phone; in pavilion mode its inputs go through InputSender, as on a real phone. */
function phone(link: Link, answerNow: boolean): Phone {
  const p: Phone = { link, sender: null, input: null, lastSent: 0, phase: Math.random() * 100, n: 0 };
  if (job.mode !== 'pavilion') return p;
  const onAnswer = (a: FoldedAck | AnswerFrame) => {
    report.acks++;
    if (a.ok && a.pace) report.paced++;
    p.sender!.answer(a);
  };
  if (socketWire)
    p.input = new InputSocket({
      origin: job.url.replace(/^http/, 'ws'),
      make: (url) => new WebSocket(url, { perMessageDeflate: false }) as unknown as InputWebSocket,
      ticket: () => new Promise((resolve) => link.emitWithAck('visitor:ticket', null, (r) => resolve((r as { ok?: boolean; ticket?: string } | undefined)?.ok ? (r as { ticket: string }).ticket : null))),
      answer: onAnswer,
      now: () => Date.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    });
  const sendInput = folded
    ? (msg: OutgoingInput, _done: unknown, full: boolean) => link.put(msg, answerNow && full, p.input)
    : (msg: OutgoingInput, done: (r: SendOutcome) => void, _full: boolean) =>
        link.emitWithAck('visitor:input', msg, (a) => {
          const res = a as InputAck;
          report.acks++;
          if (res.ok && res.pace) report.paced++;
          done(res.ok ? res : { ok: false, code: res.error.code, message: res.error.message });
        });
  p.sender = new InputSender(
    {
      send: (msg, done, full) => {
        p.lastSent = Date.now();
        report.sent++;
        sendInput(msg, done, full);
      },
      now: () => Date.now(),
      stamp: () => Date.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    },
    // The phone page's rules (client/visit/sender.ts PHONE_PACING) at the bench's rate.
    folded ? { ...PHONE_PACING, minIntervalMs: period, rttFactor: RTT_FACTOR } : { minIntervalMs: period, maxEvents: 8, backoffMs: 300, rttFactor: RTT_FACTOR },
  );
  if (answerNow) p.sender.setWindow(ANSWER_NOW_WINDOW);
  if (folded) link.on('visitor:acked', (a) => onAnswer(a as FoldedAck));
  p.sender.onOutcome = (_msg, r: SendOutcome) => {
    if (r.ok) report.acked++;
    else report.refused[r.code] = (report.refused[r.code] ?? 0) + 1;
  };
  p.sender.setOpen(true);
  return p;
}

function tick(p: Phone, now: number): void {
  if (!p.link.connected) return;
  if (job.mode === 'relay') {
    report.sent++;
    p.link.emit('input', { id: p.phase, ...position(p, now), sentAt: now });
    return;
  }
  if (job.mode === 'floor') {
    report.sent++;
    p.link.put({ input: 'pad', value: position(p, now), sentAt: now, n: ++p.n }, false, null);
    return;
  }
  const sender = p.sender!;
  if (sender.busy || sender.pending) report.heldAtPhone++; // it will send its latest position later
  sender.state('pad', position(p, now));
}

// One timer: each phone ticks once per period, in the slot of its random phase.
const SLOTS = 10;
const slots: Phone[][] = Array.from({ length: SLOTS }, () => []);
for (const p of phones) slots[Math.floor(Math.random() * SLOTS)]!.push(p);
let slot = 0;
let ticker: NodeJS.Timeout | null = null;

process.on('message', (m: ToPhones) => {
  if (m.type === 'go') {
    ticker = setInterval(() => {
      const now = Date.now();
      for (const p of slots[slot]!) tick(p, now);
      slot = (slot + 1) % SLOTS;
    }, period / SLOTS);
  } else if (m.type === 'window-start') {
    report = empty();
    cpu0 = process.cpuUsage();
  } else if (m.type === 'window-stop') {
    const now = Date.now();
    report.connected = phones.filter((p) => p.link.connected).length;
    report.failed = failed;
    report.stalled = phones.filter((p) => p.sender?.unanswered && now - p.lastSent > 1000).length;
    report.onInputSocket = phones.filter((p) => p.input?.ready).length;
    const cpu = process.cpuUsage(cpu0);
    report.cpuMs = (cpu.user + cpu.system) / 1000;
    send({ type: 'window', ...report });
  } else if (m.type === 'quit') {
    if (ticker) clearInterval(ticker);
    for (const p of phones) p.sender?.setOpen(false);
    for (const p of phones) p.input?.stop();
    for (const p of phones) p.link.close();
    setTimeout(() => process.exit(0), 100);
  }
});
process.on('disconnect', () => process.exit(0));
