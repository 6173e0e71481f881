/**
 * Simulated phones: `count` socket.io clients in this process, each moving its finger at `hz`.
 *   pavilion — join the wall, then send through the phone page's own InputSender
 *              (client/visit/sender.ts): one input in flight, the latest position, paced;
 *   relay    — the naive phone: emit every position at `hz`, no acks.
 * Every input carries `sentAt` (Date.now(), shared by all processes on this host).
 */
import { io, type Socket } from 'socket.io-client';
import { InputSender, type SendOutcome } from '../../client/visit/sender';
import type { FromPhones, PhoneJob, PhoneReport, ToPhones } from './protocol';

const job = await new Promise<PhoneJob>((resolve) => process.once('message', (m) => resolve(m as PhoneJob)));
const send = (m: FromPhones) => process.send!(m);
const period = 1000 / job.hz;
/** Pacing: at least this many round trips between two sends (client/visit/sender.ts rttFactor). */
const RTT_FACTOR = Number(process.env.BENCH_RTT_FACTOR ?? 2);

interface Phone {
  socket: Socket;
  /** pavilion only: the phone page's pacing. */
  sender: InputSender | null;
  lastSent: number;
  phase: number;
}
const phones: Phone[] = [];
const errors: string[] = [];
let failed = 0;
const empty = (): PhoneReport => ({ connected: 0, failed: 0, sent: 0, acked: 0, heldAtPhone: 0, paced: 0, refused: {}, stalled: 0, cpuMs: 0 });
let report = empty();
let cpu0 = process.cpuUsage();

function open(i: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = io(`${job.url}/visitor`, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 20_000 });
    const done = (ok: boolean, why?: string) => {
      if (!ok) {
        failed++;
        if (why && errors.length < 5) errors.push(why);
        socket.close();
      } else phones.push(phone(socket));
      resolve();
    };
    socket.once('connect_error', (e) => done(false, e.message));
    socket.once('connect', () => {
      if (job.mode === 'relay') return done(true);
      const visitorId = `${job.prefix}-${String(i).padStart(6, '0')}`;
      socket.timeout(20_000).emit('visitor:join', { wallId: 'main', visitorId }, (err: Error | null, res: { ok: boolean; error?: { message: string }; view?: { status: string } }) => {
        if (err) return done(false, `join: ${err.message}`);
        if (!res.ok) return done(false, `join: ${res.error?.message}`);
        if (res.view?.status !== 'playing') return done(false, `join: status ${res.view?.status}`);
        done(true);
      });
    });
  });
}

// Connect in small batches so that the handshakes do not all land at once.
for (let i = 0; i < job.count; i += 20) await Promise.all(Array.from({ length: Math.min(20, job.count - i) }, (_, k) => open(i + k)));
send({ type: 'connected', connected: phones.length, failed, errors });

const position = (p: Phone, t: number) => ({
  x: Math.round(Math.sin(t / 700 + p.phase) * 10000) / 10000,
  y: Math.round(Math.cos(t / 900 + p.phase * 1.3) * 10000) / 10000,
});

type InputAck = { ok: true; pace?: number } | { ok: false; error: { code: string; message: string } };

/** A connected phone; in pavilion mode its inputs go through InputSender, as on a real phone. */
function phone(socket: Socket): Phone {
  const p: Phone = { socket, sender: null, lastSent: 0, phase: Math.random() * 100 };
  if (job.mode !== 'pavilion') return p;
  p.sender = new InputSender(
    {
      send: (msg, done) => {
        p.lastSent = Date.now();
        report.sent++;
        socket.emit('visitor:input', msg, (res: InputAck) => {
          if (res.ok && res.pace) report.paced++;
          done(res.ok ? res : { ok: false, code: res.error.code, message: res.error.message });
        });
      },
      now: () => Date.now(),
      stamp: () => Date.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    },
    { minIntervalMs: period, maxEvents: 8, backoffMs: 300, rttFactor: RTT_FACTOR },
  );
  p.sender.onOutcome = (_msg, r: SendOutcome) => {
    if (r.ok) report.acked++;
    else report.refused[r.code] = (report.refused[r.code] ?? 0) + 1;
  };
  p.sender.setOpen(true);
  return p;
}

function tick(p: Phone): void {
  if (!running || !p.socket.connected) return;
  if (job.mode === 'relay') {
    const now = Date.now();
    report.sent++;
    p.socket.emit('input', { id: p.phase, ...position(p, now), sentAt: now });
    return;
  }
  const sender = p.sender!;
  if (sender.busy || sender.pending) report.heldAtPhone++; // it will send its latest position later
  sender.state('pad', position(p, Date.now()));
}

let running = false;
const timers: NodeJS.Timeout[] = [];
process.on('message', (m: ToPhones) => {
  if (m.type === 'go') {
    running = true;
    for (const p of phones) timers.push(setTimeout(() => timers.push(setInterval(() => tick(p), period)), Math.random() * period));
  } else if (m.type === 'window-start') {
    report = empty();
    cpu0 = process.cpuUsage();
  } else if (m.type === 'window-stop') {
    const now = Date.now();
    report.connected = phones.filter((p) => p.socket.connected).length;
    report.failed = failed;
    report.stalled = phones.filter((p) => p.sender?.busy && now - p.lastSent > 1000).length;
    const cpu = process.cpuUsage(cpu0);
    report.cpuMs = (cpu.user + cpu.system) / 1000;
    send({ type: 'window', ...report });
  } else if (m.type === 'quit') {
    running = false;
    for (const t of timers) clearTimeout(t);
    for (const p of phones) p.sender?.setOpen(false);
    for (const p of phones) p.socket.close();
    setTimeout(() => process.exit(0), 100);
  }
});
process.on('disconnect', () => process.exit(0));
