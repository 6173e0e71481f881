import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FoldedAck, VisitorFrame, VisitorView } from '../../protocol';
import { LightPhone } from '../../bench/visitors/light-phone';
import { api, ask, client, connected, helloOf, startServer, until } from '../support/server';
import type { Socket } from 'socket.io-client';
import { wholeFrames } from '../support/visitor-frames';

type App = Awaited<ReturnType<typeof startServer>>;
type Ack<T = object> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };

let app: App;
const phones: LightPhone[] = [];
let display: Socket;
const frames: VisitorFrame[] = [];

function pieces(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-pieces-'));
  fs.mkdirSync(path.join(dir, 'light-pad'));
  fs.writeFileSync(
    path.join(dir, 'light-pad', 'manifest.json'),
    JSON.stringify({ id: 'light-pad', title: 'Light pad', artist: 'Test', description: 'For tests.', params: {}, inputs: [{ id: 'pad', type: 'xy', label: 'Pad' }] }),
  );
  return dir;
}

/** A light phone (the bench's raw-WebSocket client) that joined wall main. */
async function joined(visitorId: string): Promise<{ phone: LightPhone; acks: FoldedAck[]; view: VisitorView }> {
  const phone = await LightPhone.connect(app.url, '/visitor', { timeoutMs: 10_000 });
  phones.push(phone);
  const acks: FoldedAck[] = [];
  phone.onEvent = (event, payload) => {
    if (event === 'visitor:acked') acks.push(payload as FoldedAck);
  };
  const res = await new Promise<Ack<{ view: VisitorView }>>((resolve) => phone.emitWithAck('visitor:join', { wallId: 'main', visitorId }, (r) => resolve(r as Ack<{ view: VisitorView }>)));
  if (!res.ok) throw new Error(res.error.message);
  return { phone, acks, view: res.view };
}

beforeAll(async () => {
  // A wide ack window, so that the inputs of one test fall in one window however slow the machine.
  app = await startServer({ installationsDir: pieces(), visitors: { ackMs: 1000 } });
  expect((await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: 'light-pad' })).body.ok).toBe(true);
  display = client(app, '/display');
  wholeFrames(display, frames);
  await connected(display);
  expect(await ask<Ack>(display, 'display:hello', helloOf(app, 'main-1'))).toMatchObject({ ok: true });
});
afterAll(async () => {
  for (const p of phones) p.close();
  display?.close();
  await app?.close();
});

describe('the bench light phone against a real server', () => {
  it('joins through the raw handshake, and its input reaches the wall’s frames', async () => {
    const { phone, acks, view } = await joined('light-phone-01');
    expect(view).toMatchObject({ status: 'playing', wallId: 'main', piece: { id: 'light-pad' } });
    const before = app.visitors.counters().accepted;
    phone.emit('visitor:put', { input: 'pad', value: { x: 0.25, y: -0.5 }, sentAt: 1, n: 1 });
    await until(() => acks.length > 0, 'the answer');
    expect(acks[0]).toMatchObject({ ok: true, n: 1 });
    expect(app.visitors.counters().accepted).toBe(before + 1);
    await until(() => frames.some((f) => f.visitors.some((v) => v.id === view.visitorId && (v.input.pad as { x: number } | undefined)?.x === 0.25)), "the phone's input in a frame");
  });

  it('gets one folded answer for a burst of inputs, carrying the last number; and one answer per input on visitor:input', async () => {
    const { phone, acks } = await joined('light-phone-02');
    for (let n = 1; n <= 10; n++) phone.emit('visitor:put', { input: 'pad', value: { x: n / 10, y: 0 }, n });
    await until(() => acks.some((a) => a.n === 10), 'the answer to input 10');
    expect(acks.every((a) => a.ok)).toBe(true);
    expect(acks.length).toBeLessThan(10);
    expect(acks.map((a) => a.n)).toEqual([...acks.map((a) => a.n)].sort((a, b) => a - b));
    const answer = await new Promise((resolve) => phone.emitWithAck('visitor:input', { input: 'pad', value: { x: 0, y: 0 } }, resolve));
    expect(answer).toMatchObject({ ok: true, seq: expect.any(Number) });
  });

  it('refuses malformed inputs and frames with an answer, and stays up', async () => {
    const { phone, acks } = await joined('light-phone-03');
    phone.emit('visitor:put', { input: 'pad', value: { x: 0, y: 0 } }); // no number
    phone.emit('visitor:put', { input: 'pad', value: { x: 0, y: 0 }, n: -1 });
    phone.emit('visitor:put', { input: 'pad', value: { x: 0, y: 0 }, n: 1.5 });
    phone.emit('visitor:put', null);
    phone.emit('visitor:put', { input: 'pad', value: { x: 5, y: 0 }, n: 4 }); // out of range
    phone.emit('visitor:put', { input: 'nope', value: true, n: 5 });
    phone.sendRaw('42/visitor,["visitor:put"]');
    phone.sendRaw('42/visitor,["visitor:put",{"n":"7"}]');
    await until(() => acks.length >= 8, 'eight refusals');
    expect(acks.every((a) => !a.ok && a.error.code === 'bad_request')).toBe(true);
    expect(acks.map((a) => a.n)).toEqual([0, 0, 0, 0, 4, 5, 0, 0]);
    phone.emit('visitor:put', { input: 'pad', value: { x: 0.5, y: 0.5 }, n: 9 });
    await until(() => acks.some((a) => a.ok && a.n === 9), 'a good input taken after them');
    // A frame socket.io cannot parse closes that connection only; the server carries on.
    phone.sendRaw('42/visitor,{not json');
    await until(() => !phone.connected, 'the broken connection closed');
    const again = await joined('light-phone-04');
    again.phone.emit('visitor:put', { input: 'pad', value: { x: 0.1, y: 0.1 }, n: 1 });
    await until(() => again.acks.some((a) => a.ok && a.n === 1), 'input on a new connection');
  });

  it('a light phone that has not joined is refused, with the number of its input', async () => {
    const phone = await LightPhone.connect(app.url, '/visitor', { timeoutMs: 10_000 });
    phones.push(phone);
    const acks: FoldedAck[] = [];
    phone.onEvent = (event, payload) => void (event === 'visitor:acked' && acks.push(payload as FoldedAck));
    phone.emit('visitor:put', { input: 'pad', value: { x: 0, y: 0 }, n: 3 });
    await until(() => acks.length > 0, 'the refusal');
    expect(acks[0]).toMatchObject({ ok: false, n: 3, error: { code: 'not_allowed_now' } });
  });
});
