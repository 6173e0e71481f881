import { describe, expect, it } from 'vitest';
import { InputSpec, type PieceSummary, type VisitorFrame, type VisitorView } from '../../protocol';
import { VisitorHub, type HubOptions, type HubTimers, type WallInfo } from '../../server/visitors';

/** Fake time and timers: nothing here waits for real. */
class FakeClock implements HubTimers {
  now = 1_000_000;
  private tasks: Array<{ id: number; at: number; fn: () => void; every: number | null }> = [];
  private ids = 0;
  setTimeout = (fn: () => void, ms: number) => this.add(fn, ms, null);
  setInterval = (fn: () => void, ms: number) => this.add(fn, ms, ms);
  clearTimeout = (h: unknown) => void (this.tasks = this.tasks.filter((t) => t.id !== h));
  clearInterval = this.clearTimeout;
  private add(fn: () => void, ms: number, every: number | null) {
    const id = ++this.ids;
    this.tasks.push({ id, at: this.now + Math.max(0, ms), fn, every });
    return id;
  }
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      this.tasks.sort((a, b) => a.at - b.at || a.id - b.id);
      const t = this.tasks[0];
      if (!t || t.at > end) break;
      this.now = t.at;
      if (t.every !== null) t.at += t.every;
      else this.tasks.shift();
      t.fn();
    }
    this.now = end;
  }
}

const piece = (id: string, inputs: unknown[]): PieceSummary => ({
  id, title: id.toUpperCase(), artist: 'Someone', description: 'A piece', version: '1.0.0', params: {},
  inputs: inputs.map((i) => InputSpec.parse(i)), moduleUrl: null, source: 'bundled',
});
const PAD = piece('pads', [{ id: 'pad', type: 'xy', label: { en: 'Pad', fr: 'Pavé' } }, { id: 'go', type: 'button', label: 'Go' }]);
const TILT = piece('tilts', [{ id: 'tilt', type: 'tilt', label: 'Tilt' }]);
const wall = (over: Partial<WallInfo> = {}): WallInfo => ({ id: 'main', name: 'Main', cap: 2, inputOpen: true, piece: PAD, ...over });

function setup(opts: Partial<WallInfo> = {}, hubOptions: Partial<HubOptions> = {}) {
  const clock = new FakeClock();
  const frames: VisitorFrame[] = [];
  const views: Array<{ socketId: string; view: VisitorView }> = [];
  const kicked: string[] = [];
  let stats = 0;
  const hub = new VisitorHub(
    () => clock.now,
    {
      frame: (_w, f) => void frames.push(structuredClone(f)),
      view: (socketId, view) => void views.push({ socketId, view }),
      kicked: (socketId) => void kicked.push(socketId),
      statsChanged: () => void stats++,
    },
    clock,
    { graceMs: 5000, banMs: 60_000, ...hubOptions },
  );
  hub.syncWalls([wall(opts)]);
  /** An input: the refusal if refused at once, else `{ ok: true }` (its ack comes with the frame, into `acks`). */
  const acks: Array<{ ok: boolean; seq?: number }> = [];
  const send = (v: Parameters<VisitorHub['input']>[0], payload: unknown) => {
    type R = { ok: boolean; seq?: number; error?: { code: string; message: string } };
    let now: R | null = null;
    let sync = true;
    hub.input(v, payload, (r) => {
      if (r.ok || !sync) acks.push(r);
      else now = r;
    });
    sync = false;
    return (now ?? { ok: true }) as R;
  };
  const join = (socket: string, secret = `secret-${socket}-0000`) => {
    const r = hub.join(socket, 'main', secret);
    if (!r.ok) throw new Error(r.error.message);
    return r;
  };
  return { clock, frames, views, kicked, hub, join, send, acks, stats: () => stats };
}

describe('visitor hub (fake time)', () => {
  it('merges input into frames, at most one per 1/60 s, only when something changed', () => {
    const { clock, frames, hub, join, send, acks: acks_ } = setup({ cap: 10 });
    const a = join('s1').visitor;
    clock.advance(100);
    expect(frames).toHaveLength(1); // the join
    expect(frames[0]!.visitors.map((v) => v.id)).toEqual([a.id]);
    frames.length = 0;

    // 20 inputs over 100 ms: 1 per 5 ms
    let acks = 0;
    const sentAcks = acks_;
    for (let i = 0; i < 20; i++) {
      const r = send(a, { input: 'pad', value: { x: i / 20, y: 0 }, sentAt: clock.now });
      if (r.ok) acks++;
      clock.advance(5);
    }
    clock.advance(50);
    expect(acks).toBe(20); // none refused …
    expect(sentAcks.length).toBe(20); // … and each answered
    expect(frames.length).toBeGreaterThanOrEqual(5);
    expect(frames.length).toBeLessThanOrEqual(7); // 150 ms at ≤ 60/s
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.at - frames[i - 1]!.at).toBeGreaterThanOrEqual(1000 / 60);
    expect(frames.at(-1)!.visitors[0]!.input.pad).toEqual({ x: 0.95, y: 0 });
    expect(hub.counters().coalesced).toBeGreaterThan(0);
    // nothing changes: no frame until the heartbeat
    frames.length = 0;
    clock.advance(500);
    expect(frames).toHaveLength(0);
    clock.advance(1000);
    expect(frames.length).toBeGreaterThanOrEqual(1);
    expect(frames[0]!.events).toEqual([]);
  });

  it('acks at once with the last frame seq; the input is in the first later frame', () => {
    const { clock, frames, join, send, acks } = setup();
    const a = join('s1').visitor;
    clock.advance(50);
    send(a, { input: 'pad', value: { x: 0, y: 0 } }); // a frame is due: this one goes out at once
    send(a, { input: 'go', value: true }); // this one waits for the next frame
    expect(acks).toHaveLength(2); // both answered already
    clock.advance(20);
    const next = frames.find((f) => f.seq > acks[1]!.seq!)!;
    expect(next.events).toMatchObject([{ visitorId: a.id, input: 'go', value: true }]);
    expect(frames.find((f) => f.seq > acks[0]!.seq!)!.visitors[0]!.input.pad).toEqual({ x: 0, y: 0 });
  });

  it('with ackWithFrame, an input is answered with the frame that carries it, not before', () => {
    const { clock, frames, join, send, acks } = setup({}, { ackWithFrame: true });
    const a = join('s1').visitor;
    clock.advance(50);
    send(a, { input: 'pad', value: { x: 0, y: 0 } }); // a frame is due: this one goes out at once
    send(a, { input: 'go', value: true }); // this one waits for the next frame
    expect(acks).toHaveLength(1);
    clock.advance(20);
    expect(acks).toHaveLength(2);
    const f = frames.find((x) => x.seq === acks[1]!.seq)!;
    expect(f.events).toMatchObject([{ visitorId: a.id, input: 'go', value: true }]);
  });

  it('rate-limits one visitor without touching another', () => {
    const { clock, join, send } = setup();
    const flood = join('s1').visitor;
    const calm = join('s2').visitor;
    const refused: string[] = [];
    for (let i = 0; i < 200; i++) {
      const r = send(flood, { input: 'pad', value: { x: 0, y: 0 } });
      if (!r.ok) refused.push(r.error!.code);
    }
    expect(refused.length).toBe(170);
    expect(new Set(refused)).toEqual(new Set(['rate_limited']));
    expect(send(calm, { input: 'pad', value: { x: 0, y: 0 } }).ok).toBe(true);
    clock.advance(1000);
    expect(send(flood, { input: 'pad', value: { x: 0, y: 0 } }).ok).toBe(true);
  });

  it('queues over the cap, reports positions, admits in order', () => {
    const { clock, views, hub, join, frames, send } = setup({ cap: 1 });
    const a = join('s1');
    const b = join('s2');
    const c = join('s3');
    expect(a.view.status).toBe('playing');
    expect(b.view).toMatchObject({ status: 'queued', queuePosition: 1 });
    expect(c.view).toMatchObject({ status: 'queued', queuePosition: 2 });
    expect(send(b.visitor, { input: 'go', value: true })).toMatchObject({ ok: false, error: { code: 'not_allowed_now' } });
    expect(hub.stats('main')).toMatchObject({ visitors: 1, queue: 2 });

    // a leaves; their place is kept through the grace period, then b plays and c moves up
    hub.disconnect(a.visitor, 's1');
    clock.advance(1000);
    expect(hub.stats('main')).toMatchObject({ visitors: 0, queue: 2 });
    clock.advance(5000);
    expect(views.find((v) => v.socketId === 's2')?.view).toMatchObject({ status: 'playing', queuePosition: 0 });
    clock.advance(300);
    expect(views.filter((v) => v.socketId === 's3').at(-1)?.view).toMatchObject({ status: 'queued', queuePosition: 1 });
    expect(send(b.visitor, { input: 'go', value: true }).ok).toBe(true);
    expect(frames.at(-1)!.visitors.map((v) => v.id)).toEqual([b.visitor.id]);
  });

  it('a reconnect within the grace period resumes the same place and colour', () => {
    const { clock, hub, join, send } = setup({ cap: 1 });
    const first = join('s1', 'phone-secret-1');
    hub.disconnect(first.visitor, 's1');
    clock.advance(2000);
    expect(join('s9', 'other-secret-99').view.status).toBe('queued'); // the slot is still held
    const again = join('s2', 'phone-secret-1');
    expect(again.view.status).toBe('playing');
    expect(again.visitor).toBe(first.visitor);
    expect(again.view.hue).toBe(first.view.hue);
    expect(again.view.visitorId).toBe(first.view.visitorId);
  });

  it('the same visitor on a second socket takes over; the first is told why', () => {
    const { hub, join, kicked, send } = setup();
    join('s1', 'phone-secret-1');
    join('s2', 'phone-secret-1');
    expect(kicked).toEqual(['s1']);
    expect(hub.stats('main').visitors).toBe(1);
  });

  it('pause and piece switches reach every phone; input follows the new schema', () => {
    const { clock, views, hub, join, frames, send } = setup();
    const a = join('s1').visitor;
    send(a, { input: 'pad', value: { x: 1, y: 1 } });
    clock.advance(50);
    views.length = 0;
    hub.syncWalls([wall({ inputOpen: false })]);
    expect(views.map((v) => v.view.status)).toEqual(['paused']);
    expect(send(a, { input: 'pad', value: { x: 0, y: 0 } })).toMatchObject({ ok: false, error: { code: 'not_allowed_now', message: expect.stringMatching(/paused/) } });

    hub.syncWalls([wall({ piece: TILT })]);
    expect(views.at(-1)!.view).toMatchObject({ status: 'playing', piece: { id: 'tilts', inputs: [{ id: 'tilt' }] } });
    expect(send(a, { input: 'pad', value: { x: 0, y: 0 } })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(send(a, { input: 'tilt', value: { x: 0.5, y: 0 } }).ok).toBe(true);
    clock.advance(50);
    expect(frames.at(-1)!.visitors[0]!.input).toEqual({ tilt: { x: 0.5, y: 0 } }); // the old piece's input is gone

    hub.syncWalls([wall({ piece: null })]);
    expect(views.at(-1)!.view).toMatchObject({ status: 'closed', piece: null });
    expect(send(a, { input: 'tilt', value: { x: 0, y: 0 } })).toMatchObject({ ok: false, error: { code: 'not_allowed_now' } });
  });

  it('raising the cap admits the queue at once', () => {
    const { views, hub, join, send } = setup({ cap: 0 });
    const a = join('s1');
    expect(a.view.status).toBe('queued');
    hub.syncWalls([wall({ cap: 5 })]);
    expect(views.at(-1)).toMatchObject({ socketId: 's1', view: { status: 'playing' } });
  });

  it('kick removes the visitor, admits the next, and keeps them out for a while', () => {
    const { clock, hub, join, kicked, views, send } = setup({ cap: 1 });
    const a = join('s1', 'phone-secret-1');
    join('s2', 'phone-secret-2');
    expect(hub.kick(a.visitor.id)).toBe(1);
    expect(kicked).toEqual(['s1']);
    expect(views.at(-1)).toMatchObject({ socketId: 's2', view: { status: 'playing' } });
    expect(hub.join('s3', 'main', 'phone-secret-1')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(send(a.visitor, { input: 'go', value: true }).ok).toBe(false);
    clock.advance(61_000);
    expect(hub.join('s3', 'main', 'phone-secret-1')).toMatchObject({ ok: true, view: { status: 'queued' } });
    expect(hub.kick('v-nobody-at-all')).toBe(0);
  });

  it('unknown walls are refused; a deleted wall closes its phones', () => {
    const { hub, join, views, send } = setup();
    expect(hub.join('s1', 'nowhere', 'phone-secret-1')).toMatchObject({ ok: false, error: { code: 'unknown_wall' } });
    const a = join('s1').visitor;
    hub.syncWalls([]);
    expect(views.at(-1)!.view).toMatchObject({ status: 'closed', piece: null });
    expect(send(a, { input: 'go', value: true })).toMatchObject({ ok: false, error: { code: 'unknown_wall' } });
  });

  it('inputs per second are counted once a second', () => {
    const { clock, hub, join, send } = setup();
    const a = join('s1').visitor;
    clock.advance(10);
    for (let i = 0; i < 20; i++) {
      send(a, { input: 'pad', value: { x: 0, y: 0 } });
      clock.advance(50);
    }
    expect(hub.stats('main').inputsPerSecond).toBeGreaterThanOrEqual(19);
    clock.advance(2000);
    expect(hub.stats('main').inputsPerSecond).toBe(0);
  });
});
