import osc, { type OscArg, type OscMessage, type OscPacket } from 'osc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ask, client, connected, api, helloOf, startServer } from '../support/server';
import type { App } from '../../server/app';
import type { Ack } from '../../protocol';

/** Polls until `check` holds (never sleeps a fixed time; gives up after 10 s). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A real OSC client: the library's own UDP port, bound to 127.0.0.1, with everything it receives. */
async function udpClient(remotePort: number, localAddress = '127.0.0.1') {
  const port = new osc.UDPPort({ localAddress, localPort: 0, remoteAddress: '127.0.0.1', remotePort, metadata: true });
  const received: OscMessage[] = [];
  port.on('message', (m) => received.push(m));
  port.on('error', () => {});
  await new Promise<void>((resolve) => {
    port.once('ready', () => resolve());
    port.open();
  });
  return {
    port,
    received,
    send: (address: string, ...args: OscArg[]) => port.send({ address, args }),
    sendPacket: (p: OscPacket) => port.send(p),
    /** The next /pavilion/error after those seen so far. */
    async error(): Promise<[string, string]> {
      const seen = received.filter((m) => m.address === '/pavilion/error').length;
      await until(() => received.filter((m) => m.address === '/pavilion/error').length > seen, 'a /pavilion/error');
      const m = received.filter((x) => x.address === '/pavilion/error')[seen]!;
      return [m.args[0]!.value as string, m.args[1]!.value as string];
    },
    close: () => port.close(),
  };
}

const s = (value: string): OscArg => ({ type: 's', value });
const i = (value: number): OscArg => ({ type: 'i', value });
const f = (value: number): OscArg => ({ type: 'f', value });

async function metric(app: App, name: string): Promise<string> {
  return (await app.metrics.registry.getSingleMetricAsString(name)) ?? '';
}
function valueOf(text: string, labels: string): number {
  const line = text.split('\n').find((l) => l.includes(`{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('OSC in (UDP and TCP/SLIP) and out, on loopback', () => {
  let app: App;
  let listener: Awaited<ReturnType<typeof udpClient>>;
  let c: Awaited<ReturnType<typeof udpClient>>;
  const out: OscMessage[] = [];
  const piece = () => app.catalog.list().find((p) => p.id === 'canopy')?.id ?? app.catalog.list()[0]!.id;

  beforeAll(async () => {
    // The OSC-out listener, opened first: its port goes into the server's PAVILION_OSC_OUT.
    listener = await udpClient(9, '127.0.0.1');
    listener.port.on('message', (m) => out.push(m));
    const outPort = (listener.port.socket!.address() as { port: number }).port;
    app = await startServer({ osc: { port: 0, allow: ['127.0.0.1'], out: [{ host: '127.0.0.1', port: outPort }] } });
    c = await udpClient(app.osc!.in!.udpPort);
  });
  afterAll(async () => {
    c?.close();
    listener?.close();
    await app?.close();
  });

  it('each address becomes the same command as REST, and the show changes', async () => {
    const show = () => app.store.get();
    const p = piece();
    c.send('/pavilion/wall/main/play', s(p));
    await until(() => show().walls.main!.installationId === p, 'wall.play');
    c.send('/pavilion/wall/main/param/speed', f(2.5));
    await until(() => show().walls.main!.params.speed === 2.5, 'wall.params');
    c.send('/pavilion/wall/main/pause');
    await until(() => show().walls.main!.pausedAt !== null, 'wall.pause');
    c.send('/pavilion/wall/main/resume');
    await until(() => show().walls.main!.pausedAt === null, 'wall.resume');
    c.send('/pavilion/blackout', i(1));
    await until(() => show().blackout, 'blackout on');
    c.send('/pavilion/blackout', { type: 'F', value: false });
    await until(() => !show().blackout, 'blackout off');
    c.send('/pavilion/volume', f(0.25));
    await until(() => show().volume === 0.25, 'volume');
    c.send('/pavilion/wall/canopy/stop');
    await until(() => show().walls.canopy!.installationId === null, 'wall.stop');

    for (const cueId of ['a', 'b', 'c'])
      expect((await api(app, 'POST', '/api/commands', { type: 'cue.save', cueId, name: cueId, commands: [{ type: 'show.volume', volume: 0.5 }] })).status).toBe(200);
    c.send('/pavilion/cue/go');
    await until(() => show().cuePosition === 0 && show().cueStandby === 1, 'cue.go (standby)');
    c.send('/pavilion/cue/next');
    await until(() => show().cueStandby === 2, 'cue.next');
    c.send('/pavilion/cue/back');
    await until(() => show().cueStandby === 1, 'cue.back');
    c.send('/pavilion/cue/go', s('c'));
    await until(() => show().cuePosition === 2, 'cue.go c');

    const before = valueOf(await metric(app, 'pavilion_osc_messages_total'), 'result="ok"');
    c.send('/pavilion/screen/main-1/pattern', s('identify'));
    const oks = async () => valueOf(await metric(app, 'pavilion_osc_messages_total'), 'result="ok"');
    for (let n = 0; n < 1000 && (await oks()) <= before; n++) await new Promise((r) => setTimeout(r, 10));
    expect(await oks()).toBe(before + 1);
    // Every one of them went through the store with source osc.
    const commands = await metric(app, 'pavilion_commands_total');
    expect(valueOf(commands, 'type="wall.play",source="osc",result="ok"')).toBe(1);
    expect(valueOf(commands, 'type="cue.go",source="osc",result="ok"')).toBe(2);
    expect(valueOf(commands, 'type="show.volume",source="cue",result="ok"')).toBe(2);
    expect(valueOf(commands, 'type="cue.save",source="rest",result="ok"')).toBe(3);
    expect(c.received.filter((m) => m.address === '/pavilion/error')).toEqual([]);
  });

  it('answers refusals on /pavilion/error <code> <message>, and survives garbage', async () => {
    c.send('/pavilion/wall/nowhere/play', s(piece()));
    expect(await c.error()).toEqual(['unknown_wall', expect.stringContaining("there is no wall 'nowhere'")]);
    c.send('/pavilion/volume', f(2));
    expect(await c.error()).toEqual(['bad_request', expect.stringContaining('volume')]);
    c.send('/pavilion/wall/main/param/speed', f(99));
    expect(await c.error()).toEqual(['bad_request', expect.stringContaining("'speed' must lie between")]);
    c.send('/pavilion/fly');
    expect(await c.error()).toEqual(['bad_request', expect.stringContaining('/pavilion/cue/go')]);
    c.send('/pavilion/blackout', s('maybe'));
    expect((await c.error())[0]).toBe('bad_request');
    c.send('/pavilion/screen/main-1/pattern', s('plaid'));
    expect(await c.error()).toEqual(['bad_request', expect.stringContaining('grid, ids, white')]);
    c.send('/pavilion/cue/go', s('nope'));
    expect((await c.error())[0]).toBe('unknown_cue');
    c.port.sendRaw(Buffer.from('this is not OSC at all'));
    expect((await c.error())[0]).toBe('bad_request');
    // Still alive and listening.
    c.send('/pavilion/blackout', i(1));
    await until(() => app.store.get().blackout, 'blackout after garbage');
    c.send('/pavilion/blackout', i(0));
    await until(() => !app.store.get().blackout, 'blackout off');
    const text = await metric(app, 'pavilion_osc_messages_total');
    expect(valueOf(text, 'result="malformed"')).toBe(1);
    expect(valueOf(text, 'result="refused"')).toBe(7);
  });

  it('takes OSC over TCP with SLIP framing, and answers there', async () => {
    const port = new osc.TCPSocketPort({ address: '127.0.0.1', port: app.osc!.in!.tcpPort, metadata: true });
    const got: OscMessage[] = [];
    port.on('message', (m) => got.push(m));
    port.on('error', () => {});
    await new Promise<void>((resolve) => {
      port.once('ready', () => resolve());
      port.open();
    });
    port.send({ address: '/pavilion/volume', args: [f(0.75)] });
    await until(() => app.store.get().volume === 0.75, 'volume over TCP');
    port.send({ address: '/pavilion/wall/nowhere/stop', args: [] });
    await until(() => got.some((m) => m.address === '/pavilion/error'), '/pavilion/error over TCP');
    expect(got.find((m) => m.address === '/pavilion/error')!.args[0]!.value).toBe('unknown_wall');
    port.close();
  });

  it('schedules a time-tagged bundle: timed commands get it as `at`, the others wait for it', async () => {
    const p = piece();
    const ahead = 2;
    const tag = osc.timeTag(ahead);
    // NTP seconds since 1900 to Unix ms, then to show time through the show clock's offset to the wall clock.
    const unixMs = (tag.raw[0] - 2_208_988_800) * 1000 + (tag.raw[1] / 2 ** 32) * 1000;
    const expected = performance.timeOrigin + performance.now() + (unixMs - Date.now());
    c.sendPacket({ timeTag: tag, packets: [{ address: '/pavilion/wall/main/play', args: [s(p)] }, { address: '/pavilion/blackout', args: [i(1)] }] });
    await until(() => Math.abs(app.store.get().walls.main!.startedAt - expected) < 500, 'wall.play at the time tag');
    // The blackout waits for its time: it is pending until then, and then applied.
    expect(app.store.get().blackout).toBe(false);
    expect(app.osc!.in!.pending()).toBe(1);
    await until(() => app.store.get().blackout, 'the blackout at its time');
    expect(app.osc!.in!.pending()).toBe(0);
    // A time tag in the past runs at once.
    c.sendPacket({ timeTag: osc.timeTag(-10), packets: [{ address: '/pavilion/blackout', args: [i(0)] }] });
    await until(() => !app.store.get().blackout, 'a late bundle, at once');
  });

  it('sends /playing on every switch, cue GOs, blackout, volume and screens online', async () => {
    const p = piece();
    const from = out.length;
    const seen = (address: string) => out.slice(from).find((m) => m.address === address);
    // Messages of the test before may still be on their way: look for the one with the value.
    const has = (address: string, value: unknown) => out.slice(from).some((m) => m.address === address && m.args[0]?.value === value);
    await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'canopy', installationId: p });
    await until(() => !!seen('/pavilion/wall/canopy/playing'), '/playing');
    const playing = seen('/pavilion/wall/canopy/playing')!;
    expect(playing.args.map((a) => a.type)).toEqual(['s', 'd']);
    expect(playing.args[0]!.value).toBe(p);
    expect(playing.args[1]!.value).toBe(app.store.get().walls.canopy!.startedAt);
    await api(app, 'POST', '/api/commands', { type: 'cue.save', cueId: 'out', name: 'Out', commands: [] });
    await api(app, 'POST', '/api/commands', { type: 'cue.go', cueId: 'out' });
    await until(() => !!seen('/pavilion/cue/out/go'), 'cue GO');
    await api(app, 'POST', '/api/commands', { type: 'show.blackout', on: true });
    await until(() => has('/pavilion/blackout', 1), '/blackout 1');
    await api(app, 'POST', '/api/commands', { type: 'show.volume', volume: 0.125 });
    await until(() => has('/pavilion/volume', 0.125), '/volume');
    const screen = client(app, '/display');
    await connected(screen);
    expect((await ask<Ack>(screen, 'display:hello', helloOf(app, 'canopy-1'))).ok).toBe(true);
    await until(() => has('/pavilion/screen/canopy-1/online', 1), 'online 1');
    screen.close();
    await until(() => has('/pavilion/screen/canopy-1/online', 0), 'online 0');
  });
});

describe('the allow-list is the boundary', () => {
  it('drops and counts a sender it does not list, over UDP and TCP', async () => {
    // Lists 127.0.0.2 only; the client is bound to 127.0.0.1.
    const app = await startServer({ osc: { port: 0, allow: ['127.0.0.2/32'] } });
    try {
      const c = await udpClient(app.osc!.in!.udpPort, '127.0.0.1');
      c.send('/pavilion/blackout', i(1));
      const denied = async () => valueOf(await metric(app, 'pavilion_osc_messages_total'), 'result="denied"');
      for (let n = 0; n < 1000 && (await denied()) < 1; n++) await new Promise((r) => setTimeout(r, 10));
      expect(await denied()).toBe(1);
      expect(app.store.get().blackout).toBe(false);
      expect(c.received).toEqual([]);
      c.close();
      const port = new osc.TCPSocketPort({ address: '127.0.0.1', port: app.osc!.in!.tcpPort, metadata: true });
      port.on('error', () => {});
      const closed = new Promise<void>((r) => port.on('close', () => r()));
      port.open();
      port.send({ address: '/pavilion/blackout', args: [i(1)] });
      await closed;
      expect(await denied()).toBe(2);
      expect(app.store.get().blackout).toBe(false);
    } finally {
      await app.close();
    }
  });
});

describe('an OSC GO takes the panel GO\'s path', () => {
  it('same command, same lead, same startedAt on the screens', async () => {
    let now = 1_800_000_000_000; // show time held still: each GO's lead is startedAt − now
    const app = await startServer({ time: () => now, osc: { port: 0 } }); // default allow-list: loopback
    const sockets: Array<{ close(): unknown }> = [];
    try {
      const pieceId = app.catalog.list()[0]!.id;
      expect((await api(app, 'POST', '/api/commands', { type: 'cue.save', cueId: 'go1', name: 'Go', commands: [{ type: 'wall.play', wallId: 'main', installationId: pieceId }] })).status).toBe(200);
      const screen = client(app, '/display');
      sockets.push(screen);
      const views: Array<{ wall: { startedAt: number; installationId: string | null } | null }> = [];
      screen.on('display:view', (v: (typeof views)[number]) => views.push(v));
      await connected(screen);
      expect((await ask<Ack>(screen, 'display:hello', helloOf(app, 'main-1'))).ok).toBe(true);
      const panel = client(app, '/control', { token: ADMIN });
      sockets.push(panel);
      await connected(panel);

      expect((await ask<Ack>(panel, 'command', { type: 'cue.go', cueId: 'go1' })).ok).toBe(true);
      const panelStart = app.store.get().walls.main!.startedAt;
      const panelLead = panelStart - now;
      await until(() => views.some((v) => v.wall?.startedAt === panelStart), 'the panel GO on the screen');

      now += 60_000;
      const c = await udpClient(app.osc!.in!.udpPort);
      sockets.push(c);
      c.send('/pavilion/cue/go', s('go1'));
      await until(() => app.store.get().walls.main!.startedAt !== panelStart, 'the OSC GO');
      const oscStart = app.store.get().walls.main!.startedAt;
      expect(panelLead).toBeGreaterThan(0);
      expect(oscStart - now, 'the OSC GO gets the panel GO\'s lead').toBe(panelLead);
      await until(() => views.some((v) => v.wall?.startedAt === oscStart && v.wall.installationId === pieceId), 'the OSC GO on the screen');
      const commands = (await app.metrics.registry.getSingleMetricAsString('pavilion_commands_total')) ?? '';
      expect(commands).toContain('type="cue.go",source="socket",result="ok"} 1');
      expect(commands).toContain('type="cue.go",source="osc",result="ok"} 1');
      expect(commands).toContain('type="wall.play",source="cue",result="ok"} 2');
    } finally {
      for (const x of sockets) x.close();
      await app.close();
    }
  });
});

describe('a flooding sender', () => {
  it('is held to its rate: the excess is dropped, counted and answered at most once a second', async () => {
    const app = await startServer({ osc: { port: 0, ratePerSecond: 5 } }); // burst 10
    try {
      const c = await udpClient(app.osc!.in!.udpPort);
      for (let n = 0; n < 40; n++) c.send('/pavilion/volume', f((n % 8) / 8));
      expect((await c.error())[0]).toBe('rate_limited');
      const limited = async () => valueOf(await metric(app, 'pavilion_osc_messages_total'), 'result="rate_limited"');
      for (let n = 0; n < 1000 && (await limited()) < 1; n++) await new Promise((r) => setTimeout(r, 10));
      expect(await limited()).toBeGreaterThan(0);
      expect(c.received.filter((m) => m.address === '/pavilion/error').length, 'answers to a flood are few').toBeLessThanOrEqual(5);
      c.close();
    } finally {
      await app.close();
    }
  });
});
