import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { encodeInputFrame, type FoldedAck, type VisitorFrame, type VisitorView } from '../../protocol';
import { LightPhone } from '../../bench/visitors/light-phone';
import { sendInput } from '../../client/visit/wire';
import type { SocketOf } from '../../client/core/connection';
import { api, ask, client, connected, helloOf, startServer, until } from '../support/server';
import { wholeFrames } from '../support/visitor-frames';

/*
 * Binary input frames (issue 16; protocol/visitor-wire.ts, server/transport/visitor-frames.ts): a
 * phone's inputs as binary engine.io messages on its /visitor connection, taken by the server before
 * socket.io parses or dispatches them, into the same hub (rate limits, pacing, merge, admission),
 * answered with folded `visitor:acked`. Real server, real sockets: the page's own code path
 * (socket.io-client through client/visit/wire.ts) and raw WebSocket phones (bench/visitors/light-phone.ts).
 */

type App = Awaited<ReturnType<typeof startServer>>;
type Ack<T = object> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };

let app: App;
const phones: LightPhone[] = [];
const sockets: Socket[] = [];
let display: Socket;
const frames: VisitorFrame[] = [];

function pieces(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-pieces-'));
  fs.mkdirSync(path.join(dir, 'frame-pad'));
  const inputs = [
    { id: 'pad', type: 'xy', label: 'Pad' },
    { id: 'go', type: 'button', label: 'Go' },
    { id: 'word', type: 'text', label: 'Word', maxLength: 12 },
  ];
  fs.writeFileSync(path.join(dir, 'frame-pad', 'manifest.json'), JSON.stringify({ id: 'frame-pad', title: 'Frame pad', artist: 'Test', description: 'For tests.', params: {}, inputs }));
  return dir;
}

const frameOf = (msg: Parameters<typeof encodeInputFrame>[0]): Uint8Array => {
  const f = encodeInputFrame(msg);
  if (!f) throw new Error('no frame');
  return f;
};

/** A raw WebSocket phone on /visitor, joined to wall main unless `join` is false; its folded answers. */
async function lightPhone(visitorId: string, join = true): Promise<{ phone: LightPhone; acks: FoldedAck[]; view: VisitorView | null; answerNow?: boolean }> {
  const phone = await LightPhone.connect(app.url, '/visitor', { timeoutMs: 10_000 });
  phones.push(phone);
  const acks: FoldedAck[] = [];
  phone.onEvent = (event, payload) => void (event === 'visitor:acked' && acks.push(payload as FoldedAck));
  if (!join) return { phone, acks, view: null };
  const res = await new Promise<Ack<{ view: VisitorView; inputFrames?: boolean; answerNow?: boolean }>>((resolve) => phone.emitWithAck('visitor:join', { wallId: 'main', visitorId }, (r) => resolve(r as never)));
  if (!res.ok) throw new Error(res.error.message);
  expect(res.inputFrames).toBe(true);
  return { phone, acks, view: res.view, ...(res.answerNow !== undefined ? { answerNow: res.answerNow } : {}) };
}

const inFrames = (visitorId: string, pred: (input: Record<string, unknown>) => boolean) =>
  frames.some((f) => f.visitors.some((v) => v.id === visitorId && pred(v.input as Record<string, unknown>)));

beforeAll(async () => {
  // A wide ack window: the inputs of one test fall in one window however slow the machine (and a
  // far wider one for phones that flag a full window).
  app = await startServer({ installationsDir: pieces(), visitors: { ackMs: 1000, longAckMs: 600_000 }, visitorsPerAddress: 1000 });
  expect((await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: 'frame-pad' })).body.ok).toBe(true);
  display = client(app, '/display');
  wholeFrames(display, frames);
  await connected(display);
  expect(await ask<Ack>(display, 'display:hello', helloOf(app, 'main-1'))).toMatchObject({ ok: true });
});
afterAll(async () => {
  for (const p of phones) p.close();
  for (const s of sockets) s.disconnect();
  display?.close();
  await app?.close();
});

describe('binary input frames on the /visitor connection', () => {
  it("the phone page's own path (socket.io-client, client/visit/wire.ts) sends frames, which reach the screen's frames", async () => {
    const socket = client(app, '/visitor');
    sockets.push(socket);
    await connected(socket);
    const acks: FoldedAck[] = [];
    socket.on('visitor:acked', (a: FoldedAck) => acks.push(a));
    const res = await ask<Ack<{ view: VisitorView; inputFrames?: boolean }>>(socket, 'visitor:join', { wallId: 'main', visitorId: 'frames-page-01' });
    if (!res.ok) throw new Error(res.error.message);
    expect(res.inputFrames).toBe(true);
    // count what goes out raw on the engine.io connection, and as socket.io events
    const engine = socket.io.engine as unknown as { send(d: unknown): unknown };
    const raw: unknown[] = [];
    const send = engine.send.bind(engine);
    engine.send = (d: unknown) => (raw.push(d), send(d));
    const puts: unknown[] = [];
    socket.onAnyOutgoing((event: string, ...args: unknown[]) => void (event === 'visitor:put' && puts.push(args)));
    const before = app.visitors.counters().accepted;
    sendInput(socket as unknown as SocketOf<'/visitor'>, { input: 'pad', value: { x: 0.25, y: -0.5 }, sentAt: 1, n: 1 }, true);
    await until(() => acks.some((a) => a.n === 1), 'the answer to input 1');
    expect(acks[0]).toMatchObject({ ok: true, n: 1 });
    expect(raw).toHaveLength(1);
    expect(raw[0]).toBeInstanceOf(Uint8Array);
    expect(puts).toEqual([]);
    expect(app.visitors.counters().accepted).toBe(before + 1);
    await until(() => inFrames(res.view.visitorId, (i) => (i.pad as { x?: number } | undefined)?.x === 0.25), 'the input in a frame');
    // without the server's word, the same call sends visitor:put (an older server)
    sendInput(socket as unknown as SocketOf<'/visitor'>, { input: 'pad', value: { x: 0.5, y: 0 }, n: 2 }, false);
    await until(() => acks.some((a) => a.n === 2), 'the answer to input 2');
    expect(puts).toHaveLength(1);
    expect(raw).toHaveLength(1);
  });

  it('every kind of input goes through (xy, a press, a word), answered folded, in order', async () => {
    const { phone, acks, view } = await lightPhone('frames-light-01');
    const before = app.visitors.counters().accepted;
    phone.sendFrame(frameOf({ input: 'pad', value: { x: -0.75, y: 0.5 }, sentAt: Date.now(), n: 1 }));
    phone.sendFrame(frameOf({ input: 'go', value: true, n: 2 }));
    phone.sendFrame(frameOf({ input: 'word', value: ' café ', n: 3 }));
    await until(() => acks.some((a) => a.n === 3), 'the answer to input 3');
    expect(acks.every((a) => a.ok)).toBe(true);
    expect(acks.length).toBeLessThan(3); // folded: the first at once, the rest in one answer
    expect(app.visitors.counters().accepted).toBe(before + 3);
    await until(() => inFrames(view!.visitorId, (i) => (i.pad as { x?: number } | undefined)?.x === -0.75 && i.word === 'café'), 'pad and word in a frame');
    // a press is an event, in one frame only, and frames are volatile (a loaded machine may drop one): press again until one is seen
    let n = 3;
    await until(() => {
      if (frames.some((f) => f.events.some((e) => e.visitorId === view!.visitorId && e.input === 'go' && e.value === true))) return true;
      phone.sendFrame(frameOf({ input: 'go', value: true, n: ++n }));
      return false;
    }, 'the press in a frame');
  });

  it("frames are taken from the phone's engine.io messages, before socket.io: no socket.io event is dispatched for them", async () => {
    const { phone, acks } = await lightPhone('frames-light-08');
    const server = [...app.io.of('/visitor').sockets.values()].find((s) => (s.data as { visitor?: { secret: string } }).visitor?.secret === 'frames-light-08');
    if (!server) throw new Error("the phone's server-side socket");
    const events: string[] = [];
    server.onAny((event: string) => events.push(event));
    phone.sendFrame(frameOf({ input: 'pad', value: { x: 0.3, y: 0.3 }, n: 1 }));
    phone.emit('visitor:put', { input: 'pad', value: { x: 0.4, y: 0.4 }, n: 2 }); // an event: it does go through socket.io
    await until(() => acks.some((a) => a.n === 2), 'the answer to input 2 (input 1 came before it)');
    expect(acks.every((a) => a.ok)).toBe(true);
    expect(events).toEqual(['visitor:put']);
  });

  it("a frame that fills the phone's window (the answer-now flag) is answered at once; the others of a flagging phone are folded into it", async () => {
    const { phone, acks, answerNow } = await lightPhone('frames-light-09');
    expect(answerNow).toBe(true); // the join answer says this server takes the flag
    const flagged = (msg: Parameters<typeof encodeInputFrame>[0]) => encodeInputFrame(msg, true)!;
    phone.sendFrame(flagged({ input: 'pad', value: { x: 0.1, y: 0.1 }, n: 1 }));
    await until(() => acks.some((a) => a.n === 1), 'the answer to input 1');
    phone.sendFrame(frameOf({ input: 'pad', value: { x: 0.2, y: 0.2 }, n: 2 }));
    phone.sendFrame(frameOf({ input: 'pad', value: { x: 0.3, y: 0.3 }, n: 3 }));
    phone.sendFrame(flagged({ input: 'pad', value: { x: 0.4, y: 0.4 }, n: 4 }));
    // a flagging phone's fold window is ten minutes here: only the flag can answer input 4 now (or
    // a pace higher than the phone was told, on a machine so loaded that the server lags: then
    // inputs 2 or 3 may be answered on their own too, with that pace)
    await until(() => acks.some((a) => a.n === 4), 'the answer to input 4');
    expect(acks.map((a) => a.ok)).toEqual(acks.map(() => true));
    expect(acks[0]!.n).toBe(1);
    expect(acks.at(-1)!.n).toBe(4);
    for (const a of acks.slice(1, -1)) expect(a).toMatchObject({ pace: expect.any(Number) });
  });

  it('frames are rate limited as every input: past the burst they are refused, by number, and the socket stays', async () => {
    const { phone, acks } = await lightPhone('frames-light-02');
    for (let n = 1; n <= 90; n++) phone.sendFrame(frameOf({ input: 'pad', value: { x: n / 100, y: 0 }, n }));
    await until(() => acks.some((a) => !a.ok), 'a refusal');
    await until(() => acks.some((a) => a.n === 90), 'the answer to input 90');
    const refused = acks.filter((a) => !a.ok);
    expect(refused[0]).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/too many inputs/) } });
    expect(refused[0]!.n).toBeGreaterThan(30); // the burst went through first
    expect(phone.connected).toBe(true); // fewer than 100 refusals in a row
  });

  it('frames are paced: while the server lags, the answer asks the phone to slow down', async () => {
    const { phone, acks } = await lightPhone('frames-light-03');
    try {
      for (let i = 0; i < 4; i++) app.visitors.loopLag(500); // as the transport reports a lagging event loop
      phone.sendFrame(frameOf({ input: 'pad', value: { x: 0.1, y: 0.2 }, n: 1 })); // the first input: answered at once
      await until(() => acks.length > 0, 'the answer');
      expect(acks[0]).toMatchObject({ ok: true, n: 1, pace: expect.any(Number) });
      expect((acks[0] as { pace: number }).pace).toBeGreaterThanOrEqual(200);
    } finally {
      for (let i = 0; i < 200; i++) app.visitors.loopLag(0); // caught up
    }
  });

  it('a connection that has not joined cannot put anything on a wall: its frames are refused, by number', async () => {
    const { phone, acks } = await lightPhone('frames-light-04', false);
    const before = app.visitors.counters().accepted;
    phone.sendFrame(frameOf({ input: 'pad', value: { x: 0.9, y: 0.9 }, n: 5 }));
    await until(() => acks.length > 0, 'the refusal');
    expect(acks[0]).toMatchObject({ ok: false, n: 5, error: { code: 'not_allowed_now' } });
    expect(app.visitors.counters().accepted).toBe(before);
  });

  it('malformed frames are refused with the reason; a socket that keeps sending them is cut off; the server carries on', async () => {
    const { phone, acks } = await lightPhone('frames-light-05');
    const bad = frameOf({ input: 'pad', value: { x: 0, y: 0 }, n: 4 }).slice();
    bad[1] = 9; // no such kind
    phone.sendFrame(bad);
    phone.sendFrame(frameOf({ input: 'pad', value: { x: 0, y: 0 }, n: 5 }).subarray(0, 20)); // cut short
    phone.sendFrame(new Uint8Array(4096).fill(0xf1)); // oversize
    phone.sendFrame(frameOf({ input: 'nope', value: true, n: 7 })); // no such control on this piece
    await until(() => acks.length >= 4, 'four refusals');
    expect(acks.map((a) => (a.ok ? 'ok' : a.error.code))).toEqual(['bad_request', 'bad_request', 'bad_request', 'bad_request']);
    expect(acks.map((a) => a.n)).toEqual([4, 5, 0, 7]);
    expect(acks.map((a) => (a.ok ? '' : a.error.message))).toEqual([
      expect.stringMatching(/unknown input frame kind 9/),
      expect.stringMatching(/has 20/),
      expect.stringMatching(/at most 200 bytes/),
      expect.stringMatching(/no input 'nope'/),
    ]);
    phone.sendFrame(frameOf({ input: 'pad', value: { x: 0.5, y: 0.5 }, n: 8 }));
    await until(() => acks.some((a) => a.ok && a.n === 8), 'a good frame taken after them');
    for (let i = 0; i < 120; i++) phone.sendFrame(bad);
    await until(() => !phone.connected, 'the socket cut off after 100 refusals in a row');
    const other = await lightPhone('frames-light-06');
    other.phone.sendFrame(frameOf({ input: 'go', value: true, n: 1 }));
    await until(() => other.acks.some((a) => a.ok && a.n === 1), 'another phone still served');
  });

  it('other binary data still closes a /visitor connection; an input frame on a connection with no /visitor socket is dropped', async () => {
    const { phone } = await lightPhone('frames-light-07');
    phone.sendFrame(Uint8Array.from([1, 2, 3])); // not a frame, not a binary packet's attachment: a protocol error, as before
    await until(() => !phone.connected, 'the connection closed');
    const screen = await LightPhone.connect(app.url, '/display', { timeoutMs: 10_000 });
    phones.push(screen);
    screen.sendFrame(frameOf({ input: 'go', value: true, n: 1 }));
    const answer = await new Promise((resolve) => screen.emitWithAck('no-such-event', {}, resolve)); // a round trip after it
    expect(answer).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(screen.connected).toBe(true);
  });
});
