import { describe, expect, it } from 'vitest';
import type { Show } from '../../protocol';
import { writerOnlyDmx } from '../../server/cluster/outputs';
import { createDmxEngine } from '../../server/links/dmx-engine';
import { demoShow } from '../../server/show/demo';
import type { ShowListener } from '../../server/show/store';

/**
 * Issue 17: with several nodes only the writer sends DMX (server/cluster/outputs.ts). The real
 * engine (on this thread, with a recording sender) behind the writer gate: a follower opens no
 * output and sends nothing, whatever the show does (held values, a blackout scene); the node that
 * becomes the writer opens the outputs with their held values and sends; one that steps down stops.
 */
describe('DMX out on the writer only', () => {
  it('a follower sends nothing; the writer sends the held values; stepping down closes the outputs', () => {
    const base = demoShow(0, (ids) => ids[0] ?? null);
    let show: Show = {
      ...base,
      version: 1,
      dmx: { outputs: { house: { id: 'house', protocol: 'artnet', host: '127.0.0.1', port: 6454, universe: 0 } }, values: { house: { '1': 200 } }, blackout: { scene: { house: { '2': 255 } }, fadeMs: 0 }, lights: {} },
    };
    let writer = false;
    const roleListeners = new Set<() => void>();
    const gate = { isWriter: () => writer, onChange: (fn: () => void) => (roleListeners.add(fn), () => void roleListeners.delete(fn)) };
    const listeners: ShowListener[] = [];
    const store = { get: () => show, subscribe: (l: ShowListener) => (listeners.push(l), () => {}) };
    const frames: number[][] = [];
    let open = 0;
    const engine = createDmxEngine({
      store: writerOnlyDmx(store, gate),
      time: () => 1000,
      logger: { warn: () => {} },
      createSender: (_cfg, hooks) => {
        open++;
        return { send: (frame) => (frames.push([...frame.slice(0, 4)]), hooks.sent(), true), close: () => void open-- };
      },
    });
    try {
      expect(open).toBe(0);
      // The show changes on the follower too (it follows the writer's log): a blackout with a scene bound.
      show = { ...show, version: 2, blackout: true };
      for (const l of listeners) l(show, [], null);
      expect(open).toBe(0);
      expect(engine.stats()).toEqual({});
      expect(frames).toEqual([]);

      writer = true;
      for (const fn of roleListeners) fn();
      expect(open).toBe(1);
      expect(frames.at(-1)![0]).toBe(200);

      writer = false;
      for (const fn of roleListeners) fn();
      expect(open).toBe(0);
      const sent = frames.length;
      show = { ...show, version: 3, blackout: false };
      for (const l of listeners) l(show, [], null);
      expect(frames.length).toBe(sent);
    } finally {
      engine.close();
    }
  });
});
