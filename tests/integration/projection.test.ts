import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServer } from '../support/server';
import type { App } from '../../server/app';
import type { Show } from '../../protocol';

/** The output stage is part of the show: in its export, back through an import, and refused with reasons over REST. */
let app: App;
let other: App;
beforeAll(async () => {
  [app, other] = await Promise.all([startServer(), startServer()]);
});
afterAll(async () => {
  await Promise.all([app.close(), other.close()]);
});

const output = { corners: [[0.02, 0], [1, 0.01], [0.98, 1], [0, 0.97]], blend: { right: 300, gamma: 2 }, black: 0.02, mask: [[0, 0], [1, 0], [1, 1], [0, 1]] };

describe('screen.output and screen.pattern over REST', () => {
  it('travel in the show export and come back through an import on another server', async () => {
    expect((await api(app, 'POST', '/api/commands', { type: 'screen.output', screenId: 'main-1', ...output })).body).toMatchObject({ ok: true });
    expect((await api(app, 'POST', '/api/commands', { type: 'screen.pattern', wallId: 'main', pattern: 'grid' })).body).toMatchObject({ ok: true });
    const doc = (await api(app, 'GET', '/api/show/export')).body as unknown as Show;
    expect(doc.screens['main-1']).toMatchObject({ output, pattern: 'grid' });
    expect(doc.screens['main-3']).toMatchObject({ pattern: 'grid' });
    expect(doc.screens['canopy-1']!.pattern).toBeUndefined();
    expect((await api(other, 'POST', '/api/show/import', doc)).status).toBe(200);
    expect(other.store.get().screens['main-1']).toMatchObject({ output, pattern: 'grid' });
  });

  it('refuses bad settings with 400 and the field named', async () => {
    const res = await api(app, 'POST', '/api/commands', { type: 'screen.output', screenId: 'main-1', grid: { cols: 3, rows: 3, points: [[0, 0]] } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('a 3×3 grid needs 9 points');
    const wide = await api(app, 'POST', '/api/commands', { type: 'screen.output', screenId: 'main-1', blend: { left: 1000 } });
    expect(JSON.stringify(wide.body)).toContain('wider than half');
  });
});
