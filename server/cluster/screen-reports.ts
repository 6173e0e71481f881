import { DisplayReadySchema, Id, PieceErrorSchema, Thumbnail, type PieceError } from '../../protocol';
import type { DisplayTransport } from '../transport/display';
import type { ReadyReport } from '../screens/wall-gate';
import type { Keys } from './keys';
import type { Redis } from './redis';

/** A screen id as the show has them (this bounds a broken message). */
const MAX_SCREEN_ID = 64;

export interface ReportsDeps {
  /** Publishes (fails at once while Redis is unreachable). */
  main: Redis;
  /** Subscribes. */
  sub: Redis;
  keys: Keys;
  node: string;
  log: { warn(fields: Record<string, unknown>, message: string): void };
}

/**
 * Screens' thumbnails and errors for the panel on any node (issue 17). A screen reports them to the
 * node its page is connected to; the panel may be on another node. Every node publishes its screens'
 * errors on `<prefix>reports`, and their thumbnails while a panel on another node watches them (each
 * heartbeat says whether a node's panels watch: `watching` in its card); every node hands the others'
 * to its own panels (`control:error`, `control:thumbnail`), and asks its own screens for thumbnails
 * while a panel on any node watches. Pub/sub: nothing is written into Redis.
 *
 * Also the screens' ready runs (`display:ready`; server/screens/wall-gate.ts): every node publishes
 * its screens' reports with the stamp it gave them, and feeds the others' into its own gate, so that
 * every node with screens of a wall tells them the same `at` once all of the wall's screens are ready.
 *
 * `display` is what the control panel's transport gets in place of the display transport; the rest
 * of the node (metrics, the activity log) keeps counting its own screens' errors only.
 */
export class ScreenReports {
  private readonly thumbFns: Array<(screenId: string, dataUrl: string) => void> = [];
  private readonly errorFns: Array<(screenId: string, err: PieceError) => void> = [];
  /** Whether a panel on this node watches thumbnails. */
  private here = false;
  /** Whether a panel on another node does, as their heartbeats last said. */
  private others = false;
  private readonly onMessage = (message: string): void => this.heard(message);
  readonly display: DisplayTransport;

  constructor(
    private readonly real: DisplayTransport,
    private readonly d: ReportsDeps,
  ) {
    real.onThumbnail((screenId, dataUrl) => {
      for (const fn of this.thumbFns) fn(screenId, dataUrl);
      if (this.others) this.publish('thumb', { s: screenId, d: dataUrl });
    });
    real.onError((screenId, err) => {
      for (const fn of this.errorFns) fn(screenId, err);
      this.publish('error', { s: screenId, e: err });
    });
    real.onReady((r) => this.publish('ready', { s: r.screenId, w: r.wallId, k: r.key, t: r.startedAt, a: r.stamp }));
    this.display = {
      ...real,
      wantThumbnails: (want) => {
        this.here = want;
        this.apply();
      },
      onThumbnail: (fn) => void this.thumbFns.push(fn),
      onError: (fn) => void this.errorFns.push(fn),
    };
  }

  async start(): Promise<void> {
    await this.d.sub.subscribe(this.d.keys.reports, this.onMessage);
  }

  async stop(): Promise<void> {
    await this.d.sub.unsubscribe(this.d.keys.reports).catch(() => {});
  }

  /** Whether a panel on this node watches thumbnails (its heartbeat says so). */
  get watching(): boolean {
    return this.here;
  }

  /** At each heartbeat: whether a panel on another node watches thumbnails. */
  othersWatching(watching: boolean): void {
    if (watching === this.others) return;
    this.others = watching;
    this.apply();
  }

  private apply(): void {
    this.real.wantThumbnails(this.here || this.others);
  }

  private publish(kind: 'thumb' | 'error' | 'ready', body: unknown): void {
    this.d.main.sendCommand(['PUBLISH', this.d.keys.reports, `${this.d.node}\n${kind}\n${JSON.stringify(body)}`]).catch(() => {
      /* Redis unreachable: the other nodes' panels miss this one (an error stays in the screen's status, which their heartbeat carries);
         the other nodes' screens of the wall switch on their own, WARM_WAIT_MS after the run's start */
    });
  }

  private heard(message: string): void {
    const a = message.indexOf('\n');
    const b = a < 0 ? -1 : message.indexOf('\n', a + 1);
    if (a <= 0 || b < 0 || message.slice(0, a) === this.d.node) return;
    const kind = message.slice(a + 1, b);
    try {
      const body = JSON.parse(message.slice(b + 1)) as { s?: unknown; d?: unknown; e?: unknown; w?: unknown; k?: unknown; t?: unknown; a?: unknown } | null;
      if (typeof body !== 'object' || body === null) return;
      const screenId = body.s;
      if (typeof screenId !== 'string' || screenId.length === 0 || screenId.length > MAX_SCREEN_ID) return;
      if (kind === 'thumb') {
        if (!this.here) return;
        const t = Thumbnail.safeParse({ dataUrl: body.d });
        if (t.success) for (const fn of this.thumbFns) fn(screenId, t.data.dataUrl);
      } else if (kind === 'error') {
        const e = PieceErrorSchema.safeParse(body.e);
        const at = (body.e as { at?: unknown } | null)?.at;
        if (e.success && typeof at === 'number' && Number.isFinite(at)) for (const fn of this.errorFns) fn(screenId, { ...e.data, stack: e.data.stack ?? undefined, at });
      } else if (kind === 'ready') {
        const r = readyOf(screenId, body);
        if (r) this.real.readyElsewhere(r);
      }
    } catch (e) {
      this.d.log.warn({ err: (e as Error).message }, "cluster: another node's screen report could not be read; it was skipped");
    }
  }
}

/** Another node's screen's ready run from its message, or null when it is not shaped as written (never throws). */
export function readyOf(screenId: string, body: { w?: unknown; k?: unknown; t?: unknown; a?: unknown }): ReadyReport | null {
  const wall = Id.safeParse(body.w);
  const run = DisplayReadySchema.safeParse({ key: body.k, startedAt: body.t });
  const stamp = body.a;
  if (!wall.success || !run.success || typeof stamp !== 'number' || !Number.isFinite(stamp)) return null;
  return { wallId: wall.data, screenId, key: run.data.key, startedAt: run.data.startedAt, stamp };
}
