import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, api, ask, client, connected, helloOf, startServer } from '../support/server';
import { artnetReceiver, sacnReceiver, type DmxReceiver } from '../support/dmx';
import type { App } from '../../server/app';

/*
 * DMX with real UDP on 127.0.0.1: the server's Art-Net frames as dmxnet's receiver reads them,
 * its sACN frames as the sacn package parses them. Nothing is sent anywhere but loopback.
 */
type Started = Awaited<ReturnType<typeof startServer>>;
let app: Started;
let art: DmxReceiver;
let sacn: DmxReceiver;
const UNIVERSE = 0x123; // net 1, sub-net 2, universe 3: every part of the port address counts

const cmd = async (a: App, body: Record<string, unknown>) => {
  const res = await api(a, 'POST', '/api/commands', body);
  if (res.status !== 200) throw new Error(`${String(body.type)}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

beforeAll(async () => {
  art = await artnetReceiver(UNIVERSE);
  sacn = await sacnReceiver(7);
  app = await startServer();
  await cmd(app, { type: 'dmx.output', id: 'house', protocol: 'artnet', host: '127.0.0.1', port: art.port, universe: UNIVERSE });
  await cmd(app, { type: 'dmx.output', id: 'wash', protocol: 'sacn', host: '127.0.0.1', port: sacn.port, universe: 7 });
});
afterAll(async () => {
  await app?.close();
  await art?.close();
  await sacn?.close();
});

describe('DMX over Art-Net and sACN (loopback)', () => {
  it('a dmx.set arrives on both protocols, also from a cue, and is sent again while nothing changes', async () => {
    await cmd(app, { type: 'dmx.set', output: 'house', channels: { '1': 255, '12': 40 } });
    await art.waitFor((v) => v[0] === 255 && v[11] === 40);
    await cmd(app, { type: 'dmx.set', output: 'wash', channels: { '3': 128, '512': 7 } });
    await sacn.waitFor((v) => v[2] === 128 && v[511] === 7);
    await cmd(app, { type: 'cue.save', cueId: 'house-up', name: 'House up', commands: [{ type: 'dmx.set', output: 'house', channels: { '2': 99 } }] });
    await cmd(app, { type: 'cue.go', cueId: 'house-up' });
    const got = await art.waitFor((v) => v[1] === 99);
    const from = art.frames.indexOf(got) + 1;
    await art.waitFor(() => true, { from: from + 1 }); // two more frames with nothing changed (keep-alive)
    const metrics = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const counted = /pavilion_dmx_packets_total\{output="house"\} (\d+)/.exec(await metrics.text());
    expect(Number(counted?.[1])).toBeGreaterThanOrEqual(3);
  });

  it('a 2 s fade arrives at 30 Hz or more, monotone, and ends on the target', async () => {
    await cmd(app, { type: 'dmx.set', output: 'house', channels: { '5': 0 } });
    await art.waitFor((v) => v[4] === 0 && v[0] === 255);
    const start = art.frames.length;
    await cmd(app, { type: 'dmx.set', output: 'house', channels: { '5': 200 }, fadeMs: 2000 });
    const end = await art.waitFor((v) => v[4] === 200, { from: start });
    const fade = art.frames.slice(start, art.frames.indexOf(end) + 1).map((f) => f.values[4]!);
    for (let i = 1; i < fade.length; i++) expect(fade[i]!).toBeGreaterThanOrEqual(fade[i - 1]!);
    expect(fade.filter((v) => v > 0 && v < 200).length).toBeGreaterThanOrEqual(55); // 2 s at ≥ 30 Hz, less the first and last frame's share
    expect(fade[fade.length - 1]).toBe(200);
  });

  it('show.blackout brings up the bound scene (house lights) and lets it go', async () => {
    await cmd(app, { type: 'dmx.blackout', scene: { house: { '7': 255, '1': 0 } } });
    await cmd(app, { type: 'show.blackout', on: true });
    await art.waitFor((v) => v[6] === 255 && v[0] === 0);
    await cmd(app, { type: 'show.blackout', on: false });
    await art.waitFor((v) => v[6] === 0 && v[0] === 255);
  });

  it('dmx.release lets channels go; an output with none left sends zeros once and goes quiet', async () => {
    await cmd(app, { type: 'dmx.release', output: 'house', channels: [1] });
    await art.waitFor((v) => v[0] === 0 && v[11] === 40);
    await cmd(app, { type: 'dmx.release', output: 'house' });
    const zeros = await art.waitFor((v) => v.every((x) => x === 0));
    const after = art.frames.indexOf(zeros) + 1;
    await cmd(app, { type: 'dmx.set', output: 'house', channels: { '9': 9 } });
    const next = await art.waitFor((v) => v[8] === 9, { from: after });
    expect(art.frames.indexOf(next)).toBe(after); // nothing in between: it had gone quiet
  });

  it('a piece\'s lights from the wall\'s sound screen drive the mapped channels; other screens\' are ignored', async () => {
    await cmd(app, { type: 'wall.lights', wallId: 'main', map: { strobe: { output: 'house', channel: 20 }, 'beam-1': { output: 'wash', channel: 21 } } });
    const sound = client(app, '/display');
    const other = client(app, '/display');
    try {
      await Promise.all([connected(sound), connected(other)]);
      expect(await ask(sound, 'display:hello', helloOf(app, 'main-1'))).toMatchObject({ ok: true });
      expect(await ask(other, 'display:hello', helloOf(app, 'main-2'))).toMatchObject({ ok: true });
      other.emit('display:lights', { values: { strobe: 0.5 } });
      sound.emit('display:lights', { values: { strobe: 1, 'beam-1': 0.2 } });
      await art.waitFor((v) => v[19] === 255);
      await sacn.waitFor((v) => v[20] === 51);
      expect(art.frames.some((f) => f.values[19] === 128)).toBe(false);
      const notice = new Promise<{ message: string }>((r) => sound.once('error:notice', r));
      sound.emit('display:lights', { values: { Strobe: 2 } });
      expect((await notice).message).toContain("'Strobe': light names");
      sound.emit('display:lights', { values: {} }); // the piece stopped writing: back to the held value
      await art.waitFor((v) => v[19] === 0);
    } finally {
      sound.close();
      other.close();
    }
  });

  it('a restart restores the held values', async () => {
    await cmd(app, { type: 'dmx.set', output: 'wash', channels: { '4': 77 } });
    await sacn.waitFor((v) => v[3] === 77);
    const dataDir = app.dataDir;
    await app.close();
    const from = sacn.frames.length;
    app = await startServer({ dataDir });
    await sacn.waitFor((v) => v[3] === 77 && v[2] === 128, { from });
  });
});
