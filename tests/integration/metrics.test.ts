import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { ADMIN, ARTIST, api, ask, client, connected, helloOf, startServer } from '../support/server';
import type { App } from '../../server/app';
import type { Ack } from '../../protocol';

const SCRAPER = 'scraper-token-0123456789abcdef';

async function scrape(app: App, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.url}/metrics`, { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** The value of one series line, e.g. `pavilion_visitors{wall="main"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  let app: App;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    app = await startServer({ metricsToken: SCRAPER });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.close();
  });

  it('is never public: no token, a wrong one, or an artist\'s are refused', async () => {
    const none = await scrape(app);
    expect(none.status).toBe(401);
    expect(none.text).toContain('PAVILION_METRICS_TOKEN');
    expect(none.text).not.toContain('pavilion_');
    expect((await scrape(app, { authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
    expect((await scrape(app, { authorization: `Bearer ${ARTIST}` })).status).toBe(403);
    // The scrapers' token opens /metrics only.
    expect((await api(app, 'GET', '/api/show', undefined, SCRAPER)).status).toBe(401);
  });

  it('answers the scraper\'s token and the technician\'s with every series', async () => {
    // Something to count: a screen with its health, a visitor, a refused input, commands from two sources, a piece error.
    const screen = client(app, '/display');
    sockets.push(screen);
    await connected(screen);
    expect((await ask<Ack>(screen, 'display:hello', helloOf(app, 'main-2'))).ok).toBe(true);
    screen.emit('display:health', { installationId: null, fps: 59.5, frameMsP95: 18.25, framesRendered: 10, memory: { geometries: 0, textures: 0, programs: 0 }, clock: { offsetMs: 0.125, rttMs: 0.4, uncertaintyMs: 0.25 } });
    const piece = app.store.get().walls.main!.installationId;
    screen.emit('display:error', { installationId: piece, version: null, phase: 'render', message: 'boom' });
    await ask(screen, 'clock:ping', 1); // the reports above were handled before this answer
    const phone = client(app, '/visitor');
    sockets.push(phone);
    await connected(phone);
    expect((await ask<Ack>(phone, 'visitor:join', { wallId: 'main', visitorId: 'phone-metrics-1' })).ok).toBe(true);
    await ask(phone, 'visitor:input', { input: 'no-such-input', value: 1 });
    expect((await api(app, 'POST', '/api/commands', { type: 'show.volume', volume: 0.5 })).status).toBe(200);
    expect((await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'atlantis', installationId: app.catalog.list()[0]!.id })).status).toBe(404);
    const control = client(app, '/control', { token: ADMIN });
    sockets.push(control);
    await connected(control);
    expect((await ask<Ack>(control, 'command', { type: 'show.blackout', on: true })).ok).toBe(true);

    for (const auth of [SCRAPER, ADMIN]) {
      const res = await scrape(app, { authorization: `Bearer ${auth}` });
      expect(res.status).toBe(200);
      expect(res.type).toContain('text/plain');
      const t = res.text;
      expect(t).toContain('process_cpu_user_seconds_total'); // Node's default metrics
      expect(t).toContain('nodejs_eventloop_lag_seconds');
      expect(sample(t, 'pavilion_screens_connected')).toBe(1);
      expect(sample(t, 'pavilion_screen_fps{screen="main-2",wall="main"}')).toBe(59.5);
      expect(sample(t, 'pavilion_screen_frame_ms_p95{screen="main-2",wall="main"}')).toBe(18.25);
      expect(sample(t, 'pavilion_screen_clock_offset_ms{screen="main-2",wall="main"}')).toBe(0.125);
      expect(sample(t, 'pavilion_screen_clock_uncertainty_ms{screen="main-2",wall="main"}')).toBe(0.25);
      expect(sample(t, 'pavilion_screen_fps{screen="main-1",wall="main"}'), 'only connected screens').toBeUndefined();
      expect(sample(t, 'pavilion_visitors{wall="main"}')).toBe(1);
      expect(sample(t, 'pavilion_visitors{wall="canopy"}')).toBe(0);
      expect(t).toMatch(/pavilion_visitor_inputs_total\{result="(?!accepted)[a-z_]+"\} 1/);
      expect(sample(t, 'pavilion_commands_total{type="show.volume",source="rest",result="ok"}')).toBe(1);
      expect(sample(t, 'pavilion_commands_total{type="wall.play",source="rest",result="unknown_wall"}')).toBe(1);
      expect(sample(t, 'pavilion_commands_total{type="show.blackout",source="socket",result="ok"}')).toBe(1);
      expect(sample(t, 'pavilion_command_durable_seconds_count')).toBeGreaterThanOrEqual(2);
      expect(t).toContain('pavilion_command_durable_seconds_bucket{le="0.005"}');
      expect(sample(t, `pavilion_piece_errors_total{piece="${piece}"}`)).toBe(1);
      expect(t).toContain('# TYPE pavilion_dmx_packets_total counter');
      expect(t).toContain('# TYPE pavilion_osc_messages_total counter');
    }
    app.metrics.dmxPacket('house');
    expect(sample((await scrape(app, { authorization: `Bearer ${SCRAPER}` })).text, 'pavilion_dmx_packets_total{output="house"}')).toBe(1);
  });
});
