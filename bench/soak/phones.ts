/**
 * Soak phones: `count` socket.io clients on /visitor in this process, spread over the walls. Each
 * joins its wall, follows the wall's view (visitor:view: a cue changed the piece, so it switches to
 * the new piece's controls), moves its first continuous control (xy, tilt, slider) at `hz` through
 * the phone page's own InputSender (client/visit/sender.ts: one input in flight, paced by acks),
 * and now and then presses its button or sends a word. Reconnects as a phone does, and rejoins with
 * the same visitor id. With `visitS` (--visit-s), visitors come and go as at a venue: each phone
 * leaves after a visit of 0.5–1.5 × visitS (its socket closed) and a new visitor, with a new id
 * and a new socket, takes its place. Counts everything that goes wrong.
 */
import { io, type Socket } from 'socket.io-client';
import type { InputSpec, VisitorView } from '../../protocol';
import { InputSender } from '../../client/visit/sender';
import type { FromPhones, PhoneCounters, PhoneJob, ToPhones } from './protocol';

const job = await new Promise<PhoneJob>((resolve) => process.once('message', (m) => resolve(m as PhoneJob)));
const send = (m: FromPhones) => process.send!(m);
const period = 1000 / job.hz;
const WORDS = ['hello', 'light', 'echo', 'salut', 'hallo', 'ciao', 'moth', 'rain'];
/** The server's refusal of an input for a control the piece no longer has: the cue changed it while the input was in flight. */
const STALE = /may have just changed/;

const c: PhoneCounters = { phones: job.count, playing: 0, connected: 0, sent: 0, acked: 0, rttSumMs: 0, rttCount: 0, paced: 0, paceSumMs: 0, refused: {}, connectErrors: 0, joinErrors: 0, disconnects: 0, reconnects: 0, views: 0, kicked: 0, left: 0, arrived: 0, examples: [], cpuMs: 0 };
const example = (s: string) => {
  if (c.examples.length < 8 && !c.examples.includes(s)) c.examples.push(s);
};

interface Phone {
  socket: Socket;
  sender: InputSender;
  wallId: string;
  visitorId: string;
  playing: boolean;
  continuous: InputSpec | null;
  discrete: InputSpec | null;
  phase: number;
  everConnected: boolean;
  nextDiscreteAt: number;
  /** Its place among the job's phones, and which visitor of that place it is (0: the first). */
  slot: number;
  visit: number;
  /** Its input ticker, and when it leaves (--visit-s). */
  ticker: NodeJS.Timeout | null;
  leaving: NodeJS.Timeout | null;
}
/** The phones by place: a visitor who leaves is replaced in its place. */
const phones: Phone[] = [];
let running = false;

type JoinAck = { ok: true; view: VisitorView } | { ok: false; error: { code: string; message: string } };
type InputAck = { ok: true; pace?: number } | { ok: false; error: { code: string; message: string } };

function applyView(p: Phone, view: VisitorView): void {
  const inputs = view.piece?.inputs ?? [];
  const continuous = inputs.find((i) => i.type === 'xy' || i.type === 'tilt' || i.type === 'slider') ?? null;
  const discrete = inputs.find((i) => i.type === 'button' || i.type === 'text') ?? null;
  // New controls: what the old ones had queued is worthless (the phone page drops it too).
  if (continuous?.id !== p.continuous?.id || discrete?.id !== p.discrete?.id) p.sender.clear();
  p.continuous = continuous;
  p.discrete = discrete;
  p.playing = view.status === 'playing';
  p.sender.setOpen(p.playing);
}

function join(p: Phone): Promise<boolean> {
  return new Promise((resolve) => {
    p.socket.timeout(20_000).emit('visitor:join', { wallId: p.wallId, visitorId: p.visitorId }, (err: Error | null, res: JoinAck) => {
      if (err || !res.ok) {
        c.joinErrors++;
        example(`join: ${err ? err.message : res.ok ? '' : `${res.error.code}: ${res.error.message}`}`);
        return resolve(false);
      }
      applyView(p, res.view);
      resolve(true);
    });
  });
}

function open(slot: number, visit = 0): Promise<boolean> {
  const socket = io(`${job.url}/visitor`, { transports: ['websocket'], forceNew: true, reconnection: true, reconnectionDelay: 1000, reconnectionDelayMax: 5000, timeout: 20_000 });
  const p: Phone = {
    socket,
    sender: null as unknown as InputSender,
    wallId: job.walls[slot % job.walls.length]!,
    visitorId: `${job.prefix}-${String(slot).padStart(6, '0')}${visit ? `-${visit}` : ''}`,
    playing: false,
    continuous: null,
    discrete: null,
    phase: Math.random() * 100,
    everConnected: false,
    nextDiscreteAt: Date.now() + 1000 + Math.random() * 4000,
    slot,
    visit,
    ticker: null,
    leaving: null,
  };
  p.sender = new InputSender(
    {
      send: (msg, done) => {
        c.sent++;
        const at = performance.now();
        socket.emit('visitor:input', msg, (res: InputAck) => {
          c.rttSumMs += performance.now() - at;
          c.rttCount++;
          done(res.ok ? res : { ok: false, code: res.error.code, message: res.error.message });
        });
      },
      now: () => Date.now(),
      stamp: () => Date.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    },
    { minIntervalMs: period, maxEvents: 8, backoffMs: 300, rttFactor: 2 },
  );
  p.sender.onOutcome = (_msg, r) => {
    if (r.ok) {
      c.acked++;
      if (r.pace) {
        c.paced++;
        c.paceSumMs += r.pace;
      }
      return;
    }
    const code = STALE.test(r.message) ? 'stale_input' : r.code;
    c.refused[code] = (c.refused[code] ?? 0) + 1;
    if (code !== 'stale_input') example(`input refused: ${r.code}: ${r.message}`);
  };
  socket.on('visitor:view', (view: VisitorView) => {
    c.views++;
    applyView(p, view);
  });
  socket.on('visitor:kicked', (m: { message: string }) => {
    c.kicked++;
    example(`kicked: ${m.message}`);
  });
  socket.on('disconnect', (reason) => {
    p.playing = false;
    p.sender.setOpen(false);
    p.sender.reset(); // answers still on the way will never come
    if (reason !== 'io client disconnect') {
      c.disconnects++;
      example(`disconnect: ${reason}`);
    }
  });
  socket.on('connect_error', (e) => {
    c.connectErrors++;
    example(`connect_error: ${e.message}`);
  });
  phones[slot] = p;
  return new Promise((resolve) => {
    socket.on('connect', () => {
      if (p.everConnected) {
        c.reconnects++;
        void join(p);
        return;
      }
      p.everConnected = true;
      void join(p).then(resolve);
    });
    setTimeout(() => resolve(false), 30_000);
  });
}

function tick(p: Phone): void {
  if (!running || !p.playing || !p.socket.connected) return;
  const now = Date.now();
  const s = p.continuous;
  if (s) {
    const x = Math.sin(now / 700 + p.phase);
    const y = Math.cos(now / 900 + p.phase * 1.3);
    if (s.type === 'slider') p.sender.state(s.id, s.min + ((x + 1) / 2) * (s.max - s.min));
    else p.sender.state(s.id, { x: Math.round(x * 10000) / 10000, y: Math.round(y * 10000) / 10000 });
  }
  // A button press or a word every 3–8 s (a visitor's occasional tap).
  if (p.discrete && now >= p.nextDiscreteAt) {
    p.nextDiscreteAt = now + 3000 + Math.random() * 5000;
    p.sender.event(p.discrete.id, p.discrete.type === 'button' ? true : WORDS[Math.floor(Math.random() * WORDS.length)]!);
  }
}

/** The phone's inputs at `hz`, each phone at its own phase of the period. */
function startTicking(p: Phone): void {
  p.ticker = setTimeout(() => {
    if (p.ticker !== null) p.ticker = setInterval(() => tick(p), period);
  }, Math.random() * period);
}

function stop(p: Phone): void {
  if (p.ticker !== null) clearTimeout(p.ticker);
  if (p.leaving !== null) clearTimeout(p.leaving);
  p.ticker = null;
  p.leaving = null;
  p.sender.setOpen(false);
  p.socket.close();
}

/** --visit-s: this visitor leaves after `ms`, and a new one takes the place. */
function leaveAfter(p: Phone, ms: number): void {
  p.leaving = setTimeout(() => {
    p.leaving = null;
    if (!running) return;
    stop(p);
    c.left++;
    const next = open(p.slot, p.visit + 1);
    const q = phones[p.slot]!;
    startTicking(q);
    leaveAfter(q, (0.5 + Math.random()) * job.visitS * 1000);
    void next.then((ok) => ok && c.arrived++);
  }, ms);
}

// Connect in small batches so that the handshakes do not all land at once.
let ok = 0;
for (let i = 0; i < job.count; i += 20) {
  const r = await Promise.all(Array.from({ length: Math.min(20, job.count - i) }, (_, k) => open(i + k)));
  ok += r.filter(Boolean).length;
}
send({ connected: { connected: ok, failed: job.count - ok, examples: c.examples } });

const cpu0 = process.cpuUsage();
process.on('message', (m: ToPhones) => {
  if (m.type === 'go') {
    running = true;
    for (const p of phones) {
      startTicking(p);
      // The first visitors leave at any time in their visit, so that departures are steady from the start.
      if (job.visitS > 0) leaveAfter(p, Math.random() * 1.5 * job.visitS * 1000);
    }
  } else if (m.type === 'report') {
    const cpu = process.cpuUsage(cpu0);
    send({ report: { ...c, refused: { ...c.refused }, examples: [...c.examples], playing: phones.filter((p) => p.playing && p.socket.connected).length, connected: phones.filter((p) => p.socket.connected).length, cpuMs: (cpu.user + cpu.system) / 1000 } });
  } else if (m.type === 'quit') {
    running = false;
    for (const p of phones) stop(p);
    setTimeout(() => process.exit(0), 100);
  }
});
process.on('disconnect', () => process.exit(0));
