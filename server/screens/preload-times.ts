/**
 * How long each screen takes to preload pieces, as the screens report it (`display:preloaded`),
 * and the lead time a piece switch needs so that every screen of a wall has preloaded before the
 * switch (issue: "without `at`, the server picks now plus a lead time long enough for every screen
 * of the wall to preload").
 */
export interface LeadOptions {
  /** The least lead, whatever the screens say (the configured `playLeadMs`). */
  minMs: number;
  /** The most lead: a screen slower than this switches late rather than hold the whole wall. */
  maxMs: number;
  /** A screen's assumed load time for a piece when it has reported none at all. */
  unknownMs: number;
}

export const DEFAULT_LEAD: LeadOptions = { minMs: 600, maxMs: 15_000, unknownMs: 800 };
/** Slack over the slowest estimate, for variance and the view's trip to the screens. */
const FACTOR = 2;
const MARGIN_MS = 200;
/** The view's trip to a screen, counted in its time to warm up when judging an explicit `at`. */
const TRIP_MS = 50;
/** Cold loads remembered per screen (its estimate for a piece it never loaded is their worst). */
const COLD_KEPT = 5;
/**
 * Sane bounds of one report: a preload past a minute is no preload a wall could wait for (a
 * broken or hostile page says 600 s to hold every switch at the longest lead); it feeds nothing.
 */
export const MAX_REPORTED_MS = 60_000;
/** Pieces remembered per screen: a page cannot grow the server's memory with made-up versions. */
const LOADED_KEPT = 64;
/** Pieces a screen may say it holds warm (DisplayHealth.warm's bound). */
const WARM_KEPT = 32;

interface ScreenLoads {
  /** Pieces (id@version) this page has loaded, and how long the last load took. */
  loaded: Map<string, number>;
  /** The last few loads that had to fetch a module this page had never loaded. */
  cold: number[];
  /**
   * Pieces (id@version) this page holds mounted and warm for its wall (its warm cache, or on
   * screen), as its last health report said: the next play of one adopts the mounted run.
   */
  warm: Set<string>;
  /** How long the last adoption of each piece took on this screen (re-keyed and drawn once: no mount). */
  adopted: Map<string, number>;
}

const keyOf = (installationId: string, version: string | null) => `${installationId}@${version ?? '?'}`;

/**
 * One screen's loads as another node gets them (`snapshot`, `adopt`): [id@version, ms] most recent
 * last, and its cold loads; the pieces it holds warm and its adoptions of them (absent from a node
 * of an older build).
 */
export interface PreloadSnapshot {
  l: Array<[string, number]>;
  c: number[];
  w?: string[];
  a?: Array<[string, number]>;
}

export class PreloadTimes {
  private readonly screens = new Map<string, ScreenLoads>();
  /**
   * Each piece's last cold load on any screen (id@version, most recent last): a screen that never
   * loaded a piece (a first play, a page just reloaded) is not guessed faster than the piece loaded
   * cold elsewhere. A heavy piece is not sized on a light one's cold time.
   */
  private readonly pieceCold = new Map<string, number>();

  constructor(private readonly o: LeadOptions = DEFAULT_LEAD) {}

  private entry(screenId: string): ScreenLoads {
    let e = this.screens.get(screenId);
    if (!e) {
      e = { loaded: new Map(), cold: [], warm: new Set(), adopted: new Map() };
      this.screens.set(screenId, e);
    }
    return e;
  }

  /**
   * A screen finished preloading a piece in `ms` (`cold`: it had never loaded that module).
   * `adopted`: it only re-keyed a run of the piece it held warm (nothing mounted): that time sizes
   * the lead while the piece stays warm there; the piece's mount time is raised to it when longer
   * (its sound graph built again on the sounding screen, a starved machine), never lowered.
   */
  record(screenId: string, installationId: string, version: string | null, ms: number, cold: boolean, adopted = false): void {
    if (!Number.isFinite(ms) || ms < 0 || ms > MAX_REPORTED_MS) return;
    const e = this.entry(screenId);
    const key = keyOf(installationId, version);
    if (adopted) {
      e.adopted.delete(key);
      e.adopted.set(key, ms);
      if (e.adopted.size > LOADED_KEPT) e.adopted.delete(e.adopted.keys().next().value!);
      const mounted = e.loaded.get(key);
      if (mounted === undefined || ms <= mounted) return;
    }
    e.loaded.delete(key); // re-inserted last: the map keeps the most recent pieces
    e.loaded.set(key, ms);
    if (e.loaded.size > LOADED_KEPT) e.loaded.delete(e.loaded.keys().next().value!);
    if (cold) {
      e.cold.push(ms);
      if (e.cold.length > COLD_KEPT) e.cold.shift();
      this.pieceCold.delete(key);
      this.pieceCold.set(key, ms);
      if (this.pieceCold.size > LOADED_KEPT) this.pieceCold.delete(this.pieceCold.keys().next().value!);
    }
  }

  /** A new page for this screen (a reload, a new browser): its module cache is empty again, and it holds nothing warm. */
  pageStarted(screenId: string): void {
    const e = this.entry(screenId);
    e.loaded.clear();
    e.warm.clear();
  }

  /**
   * The pieces (id@version) a screen holds warm now, from its health report (none from a page that
   * does not say). At most WARM_KEPT are taken.
   */
  setWarm(screenId: string, pieces: readonly string[] | undefined): void {
    const e = this.entry(screenId);
    e.warm = new Set((pieces ?? []).slice(0, WARM_KEPT));
  }

  /**
   * The estimated preload time of one piece on one screen: the last it took there; for a piece it
   * never loaded, its slowest cold load (or the default for a screen that has none), or the piece's
   * last cold load on any screen if that was slower. For a piece the screen holds warm and has
   * adopted before, its last adoption of it when that is less: the run is re-keyed, not mounted
   * (client/host/host.ts, prepareIncoming). A first adoption is sized as a mount: on the screen
   * that plays the sound it builds the piece's sound graph again, which can take as long.
   */
  estimateMs(screenId: string, installationId: string, version: string | null): number {
    const e = this.screens.get(screenId);
    const key = keyOf(installationId, version);
    const known = e?.loaded.get(key);
    const mount = known ?? Math.max(e?.cold.length ? Math.max(...e.cold) : this.o.unknownMs, this.pieceCold.get(key) ?? 0);
    if (!e?.warm.has(key)) return mount;
    return Math.min(mount, e.adopted.get(key) ?? mount);
  }

  /** The pieces (id@version) a screen holds warm, as the lead is sized on them (GET /api/show). */
  warmOf(screenId: string): string[] {
    return [...(this.screens.get(screenId)?.warm ?? [])];
  }

  /** The lead for switching these screens to a piece: long enough for the slowest to preload. */
  leadMs(screenIds: readonly string[], installationId: string, version: string | null): number {
    let worst = 0;
    for (const id of screenIds) worst = Math.max(worst, this.estimateMs(id, installationId, version));
    const lead = screenIds.length ? Math.ceil(worst * FACTOR + MARGIN_MS) : 0;
    return Math.min(this.o.maxMs, Math.max(this.o.minMs, lead));
  }

  /**
   * The screens that will switch late to a piece started `availableMs` from now (an explicit `at`
   * sooner than the lead), and by about how much: each one's own estimate (the last warm-up it
   * reported for that piece, else its slowest cold one), plus the view's trip to it, past the time
   * it has. Slowest first; empty when every screen has time.
   */
  lateScreens(screenIds: readonly string[], installationId: string, version: string | null, availableMs: number): Array<{ screenId: string; byMs: number }> {
    const late: Array<{ screenId: string; byMs: number }> = [];
    for (const screenId of screenIds) {
      const by = this.estimateMs(screenId, installationId, version) + TRIP_MS - availableMs;
      if (by > 0) late.push({ screenId, byMs: Math.ceil(by / 10) * 10 });
    }
    return late.sort((a, b) => b.byMs - a.byMs || a.screenId.localeCompare(b.screenId));
  }

  /**
   * What this table holds of one screen, for another node (several nodes: the screen's node puts it
   * in its heartbeat, and the writer sizes the lead with it; server/cluster/screens.ts): its most
   * recent `maxLoaded` loads and its cold loads; null when it has none.
   */
  snapshot(screenId: string, maxLoaded = 16): PreloadSnapshot | null {
    const e = this.screens.get(screenId);
    if (!e || (!e.loaded.size && !e.cold.length && !e.warm.size)) return null;
    const warm = [...e.warm];
    return { l: [...e.loaded].slice(-maxLoaded), c: [...e.cold], ...(warm.length ? { w: warm, a: [...e.adopted].filter(([k]) => e.warm.has(k)) } : {}) };
  }

  /** Takes another node's snapshot of a screen (its page is connected there) in place of what this table has; bad entries are skipped. */
  adopt(screenId: string, snap: PreloadSnapshot): void {
    const ok = (ms: unknown): ms is number => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 && ms <= MAX_REPORTED_MS;
    const e: ScreenLoads = { loaded: new Map(), cold: [], warm: new Set(), adopted: new Map() };
    const pairs = (list: unknown, into: Map<string, number>) => {
      for (const pair of Array.isArray(list) ? list.slice(-LOADED_KEPT) : []) if (Array.isArray(pair) && typeof pair[0] === 'string' && pair[0].length <= 300 && ok(pair[1])) into.set(pair[0], pair[1]);
    };
    pairs(snap.l, e.loaded);
    pairs(snap.a, e.adopted);
    for (const ms of Array.isArray(snap.c) ? snap.c.slice(-COLD_KEPT) : []) if (ok(ms)) e.cold.push(ms);
    for (const k of Array.isArray(snap.w) ? snap.w.slice(0, WARM_KEPT) : []) if (typeof k === 'string' && k.length <= 300) e.warm.add(k);
    this.screens.set(screenId, e);
  }

  /** For GET /api/show: the last cold load time of a screen, or null. */
  lastColdMs(screenId: string): number | null {
    const c = this.screens.get(screenId)?.cold;
    return c?.length ? c[c.length - 1]! : null;
  }
}
