import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Manifest, type DisplayView, type PieceSummary } from '../../protocol';
import { demoShow } from '../../server/show/demo';
import { displayView } from '../../server/show/views';
import {
  CLOCK_KEY,
  lastClockOffset,
  lastView,
  pageOf,
  registerOffline,
  rememberClockOffset,
  rememberView,
  viewKey,
  type KeyValueStore,
  type OfflineEnv,
} from '../../client/shared/offline';

class FakeStorage implements KeyValueStore {
  readonly items = new Map<string, string>();
  full = false;
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (this.full) throw new DOMException('quota exceeded', 'QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

/** A real view, as server/show/views.ts builds it for the demo show's canopy-1 playing canopy. */
function canopyView(): DisplayView {
  const manifest = Manifest.parse(JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../installations/canopy/manifest.json'), 'utf8')));
  const summary: PieceSummary = { ...manifest, moduleUrl: null, source: 'bundled' };
  const show = demoShow(1_000, () => 'canopy');
  return displayView(show, 'canopy-1', { piece: () => summary, visitUrl: (w) => `http://127.0.0.1:8080/visit/${w}` });
}

describe('what a screen remembers to start offline', () => {
  it('keeps the last view per screen and reads it back checked', () => {
    const storage = new FakeStorage();
    const view = canopyView();
    expect(rememberView('canopy-1', view, 5_000, storage)).toBe(true);
    expect(lastView('canopy-1', storage)).toEqual({ view, savedAt: 5_000 });
    expect(lastView('main-1', storage)).toBeNull(); // per screen id
  });

  it('keeps a projector’s output stage, its pattern and what it warms ahead', () => {
    const storage = new FakeStorage();
    const base = canopyView();
    const view: DisplayView = {
      ...base,
      screen: { ...base.screen, output: { corners: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]], brightness: 0.9 }, pattern: 'grid' },
      warmAhead: [{ installationId: 'echo', version: '1.0.0', moduleUrl: null }],
    };
    expect(rememberView('canopy-1', view, 7_000, storage)).toBe(true);
    expect(lastView('canopy-1', storage)?.view).toEqual(view);
  });

  it('drops a stored view that is not a DisplayView, or not JSON', () => {
    const storage = new FakeStorage();
    const broken = structuredClone(canopyView()) as unknown as { screen: { rect: { w: number } } };
    broken.screen.rect.w = -1;
    storage.setItem(viewKey('canopy-1'), JSON.stringify({ format: 1, savedAt: 1, view: broken }));
    expect(lastView('canopy-1', storage)).toBeNull();
    expect(storage.items.has(viewKey('canopy-1'))).toBe(false);
    storage.setItem(viewKey('canopy-1'), '{not json');
    expect(lastView('canopy-1', storage)).toBeNull();
    expect(storage.items.has(viewKey('canopy-1'))).toBe(false);
    storage.setItem(viewKey('canopy-1'), JSON.stringify({ format: 2, savedAt: 1, view: canopyView() }));
    expect(lastView('canopy-1', storage)).toBeNull();
    expect(storage.items.has(viewKey('canopy-1'))).toBe(false);
  });

  it('keeps the clock offset (show time minus local epoch time)', () => {
    const storage = new FakeStorage();
    expect(lastClockOffset(storage)).toBeNull();
    expect(rememberClockOffset(-42.5, 7_000, storage)).toBe(true);
    expect(lastClockOffset(storage)).toEqual({ offsetMs: -42.5, savedAt: 7_000 });
    expect(rememberClockOffset(Number.NaN, 8_000, storage)).toBe(false);
    storage.setItem(CLOCK_KEY, JSON.stringify({ format: 1, savedAt: 1, offsetMs: 'soon' }));
    expect(lastClockOffset(storage)).toBeNull();
    expect(storage.items.has(CLOCK_KEY)).toBe(false);
  });

  it('never throws when storage is full, disabled or absent', () => {
    const full = new FakeStorage();
    full.full = true;
    expect(rememberView('canopy-1', canopyView(), 1, full)).toBe(false);
    expect(rememberClockOffset(3, 1, full)).toBe(false);
    const disabled: KeyValueStore = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(rememberView('canopy-1', canopyView(), 1, disabled)).toBe(false);
    expect(lastView('canopy-1', disabled)).toBeNull();
    expect(lastClockOffset(disabled)).toBeNull();
    expect(rememberClockOffset(3, 1, null)).toBe(false);
    expect(lastView('canopy-1', null)).toBeNull();
  });
});

function fakeEnv(over: Partial<OfflineEnv> & { nav?: OfflineEnv['navigator'] } = {}) {
  const lines: string[] = [];
  const registered: Array<[string, unknown]> = [];
  const env: OfflineEnv = {
    navigator: over.nav ?? {
      serviceWorker: {
        register: async (url, options) => {
          registered.push([url, options]);
          return {};
        },
      },
      storage: { persist: async () => true },
    },
    isSecureContext: over.isSecureContext ?? true,
    location: over.location ?? { pathname: '/display', origin: 'http://127.0.0.1:8080' },
    log: { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`) },
  };
  return { env, lines, registered };
}

describe('registerOffline', () => {
  it('registers /sw.js for the page with scope / and asks for persistent storage', async () => {
    const { env, lines, registered } = fakeEnv();
    await registerOffline({ env });
    expect(registered).toEqual([['/sw.js?page=display', { scope: '/', updateViaCache: 'none' }]]);
    expect(lines).toContain('info offline: storage is persistent');
    const stage = fakeEnv({ location: { pathname: '/stage', origin: 'http://127.0.0.1:8081' } });
    await registerOffline({ env: stage.env });
    expect(stage.registered[0]?.[0]).toBe('/sw.js?page=stage');
    expect(pageOf('/stage/')).toBe('stage');
    expect(pageOf('/display')).toBe('display');
  });

  it('says why offline play is off in an insecure context, and how to fix it', async () => {
    const { env, lines, registered } = fakeEnv({ isSecureContext: false, location: { pathname: '/display', origin: 'http://192.0.2.10:8080' } });
    await registerOffline({ env });
    expect(registered).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn offline: offline play is off: http:\/\/192\.0\.2\.10:8080 is not a secure context/);
    expect(lines[0]).toMatch(/HTTPS/);
    expect(lines[0]).toMatch(/--unsafely-treat-insecure-origin-as-secure/);
  });

  it('never throws: no service workers, a failed registration, a failing persist()', async () => {
    const none = fakeEnv({ nav: {} });
    await expect(registerOffline({ env: none.env })).resolves.toBeUndefined();
    expect(none.lines[0]).toMatch(/^warn offline: offline play is off: this browser has no service workers/);

    const failing = fakeEnv({ nav: { serviceWorker: { register: () => Promise.reject(new Error('404')) } } });
    await expect(registerOffline({ env: failing.env })).resolves.toBeUndefined();
    expect(failing.lines[0]).toMatch(/^warn offline: offline play is off: registering \/sw\.js\?page=display failed \(404\)/);

    const refused = fakeEnv({ nav: { serviceWorker: { register: async () => ({}) }, storage: { persist: () => Promise.reject(new Error('nope')) } } });
    await expect(registerOffline({ env: refused.env })).resolves.toBeUndefined();
    expect(refused.lines.at(-1)).toMatch(/^info offline: asking for persistent storage failed \(nope\)/);

    await expect(registerOffline()).resolves.toBeUndefined(); // no browser at all (node)

    const dev = fakeEnv();
    await registerOffline({ env: { ...dev.env, dev: true } });
    expect(dev.registered).toEqual([]);
    expect(dev.lines).toEqual(['info offline: no service worker on the dev server; `npm run build && npm run serve` to try offline play']);
  });
});
