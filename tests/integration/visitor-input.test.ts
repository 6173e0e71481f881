import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Socket } from 'socket.io-client';
import { INPUT_CLOSE, decodeAnswerFrame, encodeInputFrame, isReadyFrame, type AnswerFrame, type VisitorFrame, type VisitorView } from '../../protocol';
import { LightPhone } from '../../bench/visitors/light-phone';
import { InputSocket, type InputWebSocket } from '../../client/visit/input-socket';
import { api, ask, client, connected, helloOf, startServer, until } from '../support/server';
import { wholeFrames } from '../support/visitor-frames';

/*
 * The input socket (issue 16; server/transport/visitor-input.ts): a plain WebSocket on
 * /visitor/input, opened with a single-use ticket of an admitted /visitor session, carrying binary
 * input frames in and binary answer frames out, into the same hub. Real server, real `ws` clients.
 */

type App = Awaited<ReturnType<typeof startServer>>;
type Ack<T = object> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };
type JoinAnswer = Ack<{ view: VisitorView; inputTicket?: string }>;

let app: App;
const closers: Array<() => void> = [];
let display: Socket;
const frames: VisitorFrame[] = [];

function pieces(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-pieces-'));
  fs.mkdirSync(path.join(dir, 'input-pad'));
  const inputs = [
    { id: 'pad', type: 'xy', label: 'Pad' },
    { id: 'go', type: 'button', label: 'Go' },
  ];
  fs.writeFileSync(path.join(dir, 'input-pad', 'manifest.json'), JSON.stringify({ id: 'input-pad', title: 'Input pad', artist: 'Test', description: 'For tests.', params: {}, inputs }));
  return dir;
}
const command = async (c: unknown) => expect((await api(app, 'POST', '/api/commands', c)).body).toMatchObject({ ok: true });

const xy = (n: number, x: number, y = 0, answerNow = false) => encodeInputFrame({ input: 'pad', value: { x, y }, sentAt: Date.now(), n }, answerNow)!;

/** A /visitor session (raw WebSocket phone), joined to wall main. */
async function session(visitorId: string): Promise<{ phone: LightPhone; res: JoinAnswer }> {
  const phone = await LightPhone.connect(app.url, '/visitor', { timeoutMs: 10_000 });
  closers.push(() => phone.close());
  const res = await new Promise<JoinAnswer>((resolve) => phone.emitWithAck('visitor:join', { wallId: 'main', visitorId }, (r) => resolve(r as never)));
  if (!res.ok) throw new Error(res.error.message);
  return { phone, res };
}

interface Input {
  ws: WebSocket;
  answers: AnswerFrame[];
  ready: () => boolean;
  closed: Promise<{ code: number; reason: string }>;
}
/** An input socket opened with `ticket` (and these headers). */
function inputSocket(ticket: string | null, headers: Record<string, string> = {}): Input {
  const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/visitor/input${ticket === null ? '' : `?t=${ticket}`}`, { headers, perMessageDeflate: false });
  closers.push(() => ws.terminate());
  const answers: AnswerFrame[] = [];
  let ready = false;
  ws.on('message', (data, isBinary) => {
    const b = new Uint8Array(data as Buffer);
    if (!isBinary) return;
    if (isReadyFrame(b)) ready = true;
    else answers.push(decodeAnswerFrame(b)!);
  });
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return { ws, answers, ready: () => ready, closed };
}
async function openInput(ticket: string): Promise<Input> {
  const i = inputSocket(ticket);
  await until(() => i.ready(), 'the ready frame');
  return i;
}

const inFrames = (visitorId: string, x: number) => frames.some((f) => f.visitors.some((v) => v.id === visitorId && (v.input.pad as { x?: number } | undefined)?.x === x));

beforeAll(async () => {
  app = await startServer({ installationsDir: pieces(), visitors: { ackMs: 1000, longAckMs: 600_000 }, visitorsPerAddress: 1000, trustProxy: 1 });
  await command({ type: 'wall.play', wallId: 'main', installationId: 'input-pad' });
  await command({ type: 'wall.visitors', wallId: 'main', cap: 1000, input: true });
  display = client(app, '/display');
  wholeFrames(display, frames);
  await connected(display);
  expect(await ask<Ack>(display, 'display:hello', helloOf(app, 'main-1'))).toMatchObject({ ok: true });
});
afterAll(async () => {
  for (const c of closers) c();
  display?.close();
  await app?.close();
});

describe('the input socket', () => {
  it("opens with the join's ticket; its inputs reach the screen's frames; answers come back on it, folded", async () => {
    const { phone, res } = await session('input-sock-01');
    if (!res.ok) throw new Error('join');
    expect(res.inputTicket).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const acked: unknown[] = [];
    phone.onEvent = (event, p) => void (event === 'visitor:acked' && acked.push(p));
    const input = await openInput(res.inputTicket!);
    const before = app.visitors.counters().accepted;
    input.ws.send(xy(1, 0.125));
    input.ws.send(xy(2, 0.25));
    input.ws.send(xy(3, 0.375, 0, true)); // the answer-now flag: answered at once, folding 2 and 3
    await until(() => input.answers.some((a) => a.n === 3), 'the answer to input 3');
    expect(input.answers.every((a) => a.ok)).toBe(true);
    expect(input.answers.length).toBeLessThan(3);
    expect(acked).toEqual([]); // nothing on the session
    expect(app.visitors.counters().accepted).toBe(before + 3);
    await until(() => inFrames(res.view.visitorId, 0.375), 'the input in a frame of the screen');
    expect(app.visitorInputSockets()).toMatchObject({ open: expect.any(Number), opened: expect.any(Number) });
  });

  it('a ticket opens one socket only; no ticket, a made-up or a used one is refused with a close reason', async () => {
    const { res } = await session('input-sock-02');
    if (!res.ok) throw new Error('join');
    await openInput(res.inputTicket!);
    const again = inputSocket(res.inputTicket!);
    expect(await again.closed).toEqual({ code: INPUT_CLOSE.ticket, reason: expect.stringMatching(/unknown or already used ticket/) });
    expect(await inputSocket(null).closed).toEqual({ code: INPUT_CLOSE.ticket, reason: expect.stringMatching(/no ticket/) });
    expect(await inputSocket('made-up-made-up-made-up0').closed).toMatchObject({ code: INPUT_CLOSE.ticket });
    expect(again.ready()).toBe(false);
  });

  it("a ticket is the session's address's: from another (a trusted proxy's X-Forwarded-For) it is refused", async () => {
    const phone = await LightPhone.connect(app.url, '/visitor', { timeoutMs: 10_000 });
    closers.push(() => phone.close());
    const res = await new Promise<JoinAnswer>((resolve) => phone.emitWithAck('visitor:join', { wallId: 'main', visitorId: 'input-sock-03' }, (r) => resolve(r as never)));
    if (!res.ok) throw new Error('join');
    const other = inputSocket(res.inputTicket!, { 'X-Forwarded-For': '198.51.100.7' });
    expect(await other.closed).toMatchObject({ code: INPUT_CLOSE.ticket, reason: expect.stringMatching(/another address/) });
  });

  it("a page of another site is refused before the handshake (403)", async () => {
    const { res } = await session('input-sock-04');
    if (!res.ok) throw new Error('join');
    const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/visitor/input?t=${res.inputTicket}`, { headers: { Origin: 'https://evil.example' } });
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, r) => resolve(r.statusCode ?? 0));
      ws.on('error', () => {});
    });
    expect(status).toBe(403);
  });

  it('a new ticket on demand (visitor:ticket); a newer socket replaces the older', async () => {
    const { phone, res } = await session('input-sock-05');
    if (!res.ok) throw new Error('join');
    const first = await openInput(res.inputTicket!);
    const ticket = await until(
      () => new Promise<string | null>((resolve) => phone.emitWithAck('visitor:ticket', null, (r) => resolve((r as Ack<{ ticket: string }>).ok ? (r as { ticket: string }).ticket : null))),
      'a new ticket (at most one a second: asked until given)',
    );
    const second = await openInput(ticket);
    expect(await first.closed).toMatchObject({ code: INPUT_CLOSE.replaced });
    second.ws.send(xy(1, 0.5));
    await until(() => second.answers.some((a) => a.n === 1), 'the answer on the newer socket');
  });

  it("a kick closes the input socket; so does the session's end; a dead session's ticket opens nothing", async () => {
    const { res } = await session('input-sock-06');
    if (!res.ok) throw new Error('join');
    const input = await openInput(res.inputTicket!);
    await command({ type: 'visitor.kick', visitorId: res.view.visitorId });
    expect(await input.closed).toEqual({ code: INPUT_CLOSE.sessionEnded, reason: 'removed by the staff' });

    const b = await session('input-sock-07');
    if (!b.res.ok) throw new Error('join');
    const inputB = await openInput(b.res.inputTicket!);
    b.phone.close();
    expect(await inputB.closed).toMatchObject({ code: INPUT_CLOSE.sessionEnded });

    const c = await session('input-sock-08');
    if (!c.res.ok) throw new Error('join');
    c.phone.close();
    await until(() => ![...app.io.of('/visitor').sockets.values()].some((s) => (s.data as { visitor?: { secret: string } }).visitor?.secret === 'input-sock-08'), 'the session to end');
    expect(await inputSocket(c.res.inputTicket!).closed).toMatchObject({ code: INPUT_CLOSE.ticket });
  });

  it('the admission cap holds: a queued visitor gets a socket, but its inputs are refused as on the session', async () => {
    await command({ type: 'wall.visitors', wallId: 'main', cap: 0 });
    try {
      const { res } = await session('input-sock-09');
      if (!res.ok) throw new Error('join');
      expect(res.view.status).toBe('queued');
      const input = await openInput(res.inputTicket!);
      const before = app.visitors.counters().accepted;
      input.ws.send(xy(1, 0.9));
      await until(() => input.answers.length > 0, 'the refusal');
      expect(input.answers[0]).toMatchObject({ ok: false, n: 1, error: { code: 'not_allowed_now' } });
      expect(app.visitors.counters().accepted).toBe(before);
    } finally {
      await command({ type: 'wall.visitors', wallId: 'main', cap: 1000 });
    }
  });

  it('malformed frames are refused with the reason, out-of-order ones too; 20 in a row close the socket; the server carries on', async () => {
    const { res } = await session('input-sock-10');
    if (!res.ok) throw new Error('join');
    const input = await openInput(res.inputTicket!);
    const before = app.visitorInputSockets()!;
    input.ws.send(xy(5, 0.1)); // the phone's first input: answered at once
    input.ws.send(Uint8Array.of(0xf1, 1, 2, 3));
    input.ws.send('{"input":"pad"}');
    const bad = xy(7, 0.1).slice();
    bad[1] = 9;
    input.ws.send(bad);
    input.ws.send(xy(4, 0.2)); // after 5: out of order
    await until(() => input.answers.length >= 5, 'five answers');
    expect(input.answers.slice(0, 5)).toEqual([
      expect.objectContaining({ ok: true, n: 5 }), // (with a pace on a loaded machine)
      { ok: false, n: 0, error: { code: 'bad_request', message: expect.stringMatching(/at least 16 bytes/) } },
      { ok: false, n: 0, error: { code: 'bad_request', message: expect.stringMatching(/binary input frames only/) } },
      { ok: false, n: 7, error: { code: 'bad_request', message: expect.stringMatching(/unknown input frame kind 9/) } },
      { ok: false, n: 4, error: { code: 'bad_request', message: expect.stringMatching(/came after input 5/) } },
    ]);
    for (let i = 0; i < 20; i++) input.ws.send(Uint8Array.of(0xf1));
    expect(await input.closed).toMatchObject({ code: INPUT_CLOSE.malformed });
    const after = app.visitorInputSockets()!;
    expect(after.malformed - before.malformed).toBeGreaterThanOrEqual(23);
    expect(after.cutOff - before.cutOff).toBe(1);
    // a frame over the size limit: ws closes the socket (1009) and nothing is read
    const big = await session('input-sock-11');
    if (!big.res.ok) throw new Error('join');
    const input2 = await openInput(big.res.inputTicket!);
    input2.ws.send(new Uint8Array(4096).fill(0xf1));
    expect((await input2.closed).code).toBe(1009);
    // the server lives: a new phone plays
    const next = await session('input-sock-12');
    if (!next.res.ok) throw new Error('join');
    const input3 = await openInput(next.res.inputTicket!);
    input3.ws.send(xy(1, 0.625));
    await until(() => input3.answers.some((a) => a.ok && a.n === 1), 'an answer after the abuse');
    await until(() => inFrames(next.res.ok ? next.res.view.visitorId : '', 0.625), 'the input in a frame');
  });

  it('paced: while the server lags, the answer frame carries the pace', async () => {
    const { res } = await session('input-sock-13');
    if (!res.ok) throw new Error('join');
    const input = await openInput(res.inputTicket!);
    try {
      for (let i = 0; i < 4; i++) app.visitors.loopLag(500);
      input.ws.send(xy(1, 0.3));
      await until(() => input.answers.length > 0, 'the answer');
      expect(input.answers[0]).toMatchObject({ ok: true, n: 1, pace: expect.any(Number) });
      expect((input.answers[0] as { pace: number }).pace).toBeGreaterThanOrEqual(200);
    } finally {
      for (let i = 0; i < 200; i++) app.visitors.loopLag(0);
    }
  });

  it("when the input socket closes, what it left owed is answered on the session (both paths feed one folder)", async () => {
    const { phone, res } = await session('input-sock-14');
    if (!res.ok) throw new Error('join');
    const acked: Array<{ ok: boolean; n: number }> = [];
    phone.onEvent = (event, p) => void (event === 'visitor:acked' && acked.push(p as never));
    const input = await openInput(res.inputTicket!);
    input.ws.send(xy(1, 0.11)); // answered at once (the first)
    await until(() => input.answers.length > 0, 'the first answer');
    input.ws.send(xy(2, 0.12)); // owed: folded over the window
    await until(() => inFrames(res.view.visitorId, 0.12), 'input 2 in a frame');
    input.ws.close();
    await input.closed;
    phone.emit('visitor:put', { input: 'pad', value: { x: 0.13, y: 0 }, n: 3 });
    await until(() => acked.some((a) => a.n === 3), 'the answer on the session');
    expect(acked.every((a) => a.ok)).toBe(true);
  });
  it("the page's InputSocket over Node's ws, stopped while it is still connecting: nothing is thrown (the bench's phones)", async () => {
    const { res } = await session('input-sock-15');
    if (!res.ok) throw new Error('join');
    const made: WebSocket[] = [];
    const input = new InputSocket({
      origin: app.url.replace(/^http/, 'ws'),
      make: (url) => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        made.push(ws);
        closers.push(() => ws.terminate());
        return ws as unknown as InputWebSocket;
      },
      ticket: async () => null,
      answer: () => {},
      now: () => Date.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    });
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.prependListener('uncaughtException', onUncaught);
    try {
      input.start(res.inputTicket!);
      expect(made[0]!.readyState).toBe(WebSocket.CONNECTING);
      input.stop(); // ws reports "closed before the connection was established" as an error event, a tick later
      await until(() => made[0]!.readyState === WebSocket.CLOSED, 'the socket closed');
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
    expect(input.ready).toBe(false);
  });
});
