import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ScreenStatus } from '../../protocol';
import type { DispatchEvent } from '../show/store';
import type { HubCounters } from '../visitors';

/** What the metrics read when scraped (the app hands these in once it has built them). */
export interface MetricSources {
  /** Every screen of the show with its live health (ScreenRegistry.statuses). */
  screens(): ScreenStatus[];
  /** Visitors on each wall now. */
  visitors(): Array<{ wallId: string; count: number }>;
  /** The visitor hub's totals since start. */
  inputs(): HubCounters;
  /** Known piece ids: a piece error's label is one of them, else `other` (labels never carry free text). */
  isPiece(id: string): boolean;
}

/**
 * The server's Prometheus metrics (prom-client, its own registry per app: several apps can run
 * in one process, as tests do). Series and their meaning: docs/links.md, "Metrics".
 *
 * The counters others call:
 * - `dmxPacket(outputId, n = 1)`: DMX packets (Art-Net or sACN) sent to that output;
 * - `oscMessage(result)`: one OSC message in (or out: `sent`, `send_failed`);
 * - `pieceError(pieceId)`: a screen reported a piece's error;
 * - `command(event)`: a dispatch (wired to store.onDispatch by the app).
 */
export interface Metrics {
  readonly registry: Registry;
  readonly contentType: string;
  dmxPacket(outputId: string, n?: number): void;
  oscMessage(result: string): void;
  pieceError(pieceId: string | null): void;
  command(e: DispatchEvent): void;
  /** Hands in what the gauges read at scrape time. */
  attach(sources: MetricSources): void;
  /** The exposition text. */
  render(): Promise<string>;
  close(): void;
}

const DURABLE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  let sources: MetricSources | null = null;
  let defaults = false;
  const registers = [registry];

  // The screens' statuses, read once per scrape by every per-screen series.
  let screens: ScreenStatus[] | null = null;
  const screenList = () => (screens ??= sources?.screens() ?? []);

  new Gauge({
    name: 'pavilion_screens_connected',
    help: 'Screens of the show whose page is connected now',
    registers,
    collect() {
      this.set(screenList().filter((s) => s.connected).length);
    },
  });

  // Per connected screen that has reported its health (once a second), read at scrape time.
  const perScreen = (name: string, help: string, pick: (s: ScreenStatus) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['screen', 'wall'] as const,
      registers,
      collect() {
        this.reset();
        for (const s of screenList()) {
          const v = s.connected ? pick(s) : null;
          if (v !== null && Number.isFinite(v)) this.set({ screen: s.id, wall: s.wallId ?? '' }, v);
        }
      },
    });
  perScreen('pavilion_screen_fps', 'Frames per second the screen reports', (s) => s.fps);
  perScreen('pavilion_screen_frame_ms_p95', 'The 95th percentile of the screen\'s frame time, in ms', (s) => s.frameMsP95);
  perScreen('pavilion_screen_clock_offset_ms', 'The screen\'s estimate of its clock\'s offset to the show clock, in ms', (s) => s.offsetMs);
  perScreen('pavilion_screen_clock_uncertainty_ms', 'The uncertainty of the screen\'s clock estimate, in ms', (s) => s.uncertaintyMs);

  new Gauge({
    name: 'pavilion_visitors',
    help: 'Visitors playing on each wall now',
    labelNames: ['wall'] as const,
    registers,
    collect() {
      this.reset();
      for (const v of sources?.visitors() ?? []) this.set({ wall: v.wallId }, v.count);
    },
  });

  new Counter({
    name: 'pavilion_visitor_inputs_total',
    help: 'Visitor inputs since start, by result: accepted, or the refusal code (rate_limited, not_allowed_now, bad_request, ...)',
    labelNames: ['result'] as const,
    registers,
    collect() {
      if (!sources) return;
      const c = sources.inputs();
      this.reset();
      this.inc({ result: 'accepted' }, c.accepted);
      for (const [code, n] of Object.entries(c.refused)) if (n > 0) this.inc({ result: code }, n);
    },
  });

  const commands = new Counter({
    name: 'pavilion_commands_total',
    help: 'Commands dispatched, by type, source (rest, socket, cue, schedule, osc, upload, internal) and result (ok or the error code)',
    labelNames: ['type', 'source', 'result'] as const,
    registers,
  });
  const durable = new Histogram({
    name: 'pavilion_command_durable_seconds',
    help: 'Time the durable write of a command took (journal append and fsync), in seconds',
    buckets: DURABLE_BUCKETS,
    registers,
  });
  const pieceErrors = new Counter({
    name: 'pavilion_piece_errors_total',
    help: 'Piece errors the screens reported, by piece',
    labelNames: ['piece'] as const,
    registers,
  });
  const dmx = new Counter({
    name: 'pavilion_dmx_packets_total',
    help: 'DMX packets (Art-Net or sACN) sent, by output',
    labelNames: ['output'] as const,
    registers,
  });
  const oscMessages = new Counter({
    name: 'pavilion_osc_messages_total',
    help: 'OSC messages, by result: in: ok, refused, denied (not in PAVILION_OSC_ALLOW), malformed, rate_limited; out: sent, send_failed',
    labelNames: ['result'] as const,
    registers,
  });

  return {
    registry,
    contentType: registry.contentType,
    dmxPacket: (outputId, n = 1) => dmx.inc({ output: outputId }, n),
    oscMessage: (result) => oscMessages.inc({ result }),
    pieceError: (pieceId) => pieceErrors.inc({ piece: pieceId && (!sources || sources.isPiece(pieceId)) ? pieceId : 'other' }),
    command(e) {
      commands.inc({ type: e.type, source: e.source, result: e.result });
      if (e.durableS !== null) durable.observe(e.durableS);
    },
    attach(s) {
      sources = s;
    },
    async render() {
      // Node's default metrics from the first scrape on (no event-loop monitor for an app nobody scrapes).
      if (!defaults && opts.defaultMetrics !== false) {
        defaults = true;
        collectDefaultMetrics({ register: registry });
      }
      screens = null;
      try {
        return await registry.metrics();
      } finally {
        screens = null;
      }
    },
    close() {
      registry.clear();
    },
  };
}
