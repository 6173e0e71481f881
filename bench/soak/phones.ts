/**
 * Soak phones: `count` socket.io clients on /visitor in this process, spread over the walls. Each
 * joins its wall, follows the wall's view (visitor:view: a cue changed the piece, so it switches to
 * the new piece's controls), moves its first continuous control (xy, tilt, slider) at `hz` through
 * the phone page's own InputSender (client/visit/sender.ts: one input in flight, paced by acks),
 * and now and then presses its button or sends a word. Reconnects as a phone does, and rejoins with
 * the same visitor id. Counts everything that goes wrong.
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

const c: PhoneCounters = { phones: job.count, playing: 0, connected: 0, sent: 0, acked: 0, rttSumMs: 0, rttCount: 0, paced: 0, paceSumMs: 0, refused: {}, connectErrors: 0, joinErrors: 0, disconnects: 0, reconnects: 0, views: 0, kicked: 0, examples: [], cpuMs: 0 };
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
}
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

function open(i: number): Promise<boolean> {
  const socket = io(`${job.url}/visitor`, { transports: ['websocket'], forceNew: true, reconnection: true, reconnectionDelay: 1000, reconnectionDelayMax: 5000, timeout: 20_000 });
  const p: Phone = {
    socket,
    sender: null as unknown as InputSender,
    wallId: job.walls[i % job.walls.length]!,
    visitorId: `${job.prefix}-${String(i).padStart(6, '0')}`,
    playing: false,
    continuous: null,
    discrete: null,
    phase: Math.random() * 100,
    everConnected: false,
    nextDiscreteAt: Date.now() + 1000 + Math.random() * 4000,
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
  phones.push(p);
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

// Connect in small batches so that the handshakes do not all land at once.
let ok = 0;
for (let i = 0; i < job.count; i += 20) {
  const r = await Promise.all(Array.from({ length: Math.min(20, job.count - i) }, (_, k) => open(i + k)));
  ok += r.filter(Boolean).length;
}
send({ connected: { connected: ok, failed: job.count - ok, examples: c.examples } });

const timers: NodeJS.Timeout[] = [];
const cpu0 = process.cpuUsage();
process.on('message', (m: ToPhones) => {
  if (m.type === 'go') {
    running = true;
    for (const p of phones) timers.push(setTimeout(() => timers.push(setInterval(() => tick(p), period)), Math.random() * period));
  } else if (m.type === 'report') {
    const cpu = process.cpuUsage(cpu0);
    send({ report: { ...c, refused: { ...c.refused }, examples: [...c.examples], playing: phones.filter((p) => p.playing && p.socket.connected).length, connected: phones.filter((p) => p.socket.connected).length, cpuMs: (cpu.user + cpu.system) / 1000 } });
  } else if (m.type === 'quit') {
    running = false;
    for (const t of timers) clearTimeout(t);
    for (const p of phones) {
      p.sender.setOpen(false);
      p.socket.close();
    }
    setTimeout(() => process.exit(0), 100);
  }
});
process.on('disconnect', () => process.exit(0));
