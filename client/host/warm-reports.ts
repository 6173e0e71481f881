import type { DisplayPreloaded } from '../../protocol';

/** A run's warm-up as the host last measured it (window.__pavilion.lastWarm, protocol/stage.ts). */
export interface LastWarm {
  installationId: string;
  ms: number;
  cold: boolean;
  lateMs: number | null;
  adopted?: true;
}

/**
 * The warm-up times of a host (client/host/host.ts): sent to the server, which sizes the play lead
 * on them, the last one sent per piece, and the last warm-up and the last time sent for diagnostics.
 */
export class WarmReports {
  /**
   * The last warm-up: how long, and how late its switch came after the run's start (show ms);
   * `adopted` when the run was already mounted (kept warm, or warmed ahead) and only re-keyed.
   */
  last: LastWarm | null = null;
  /** The last warm-up time sent. */
  lastSent: DisplayPreloaded | null = null;
  /** `send`: to the server; one that throws is ignored. */
  constructor(private readonly send: (p: DisplayPreloaded) => void) {}

  /** The next run is warm on every screen, `w.ms` after its warm-up began; `adopted`: it was only re-keyed. */
  ready(w: DisplayPreloaded, adopted: boolean): void {
    this.last = { installationId: w.installationId, ms: w.ms, cold: w.cold, lateMs: null, ...(adopted ? { adopted: true as const } : {}) };
    // An adopted run's few frames are not what the piece takes to mount: the server sizes the lead
    // on them only while the screen says it holds the piece warm (its health report), and keeps the
    // piece's mount time for when it has left the cache, raised (never lowered) by an adoption that
    // took longer (its sound graph built again on the sounding screen, a starved machine).
    this.preloaded(adopted ? { ...w, adopted: true } : w);
  }

  /** Run `run` switched on at `showTime`: how late after its start, when it is the one last warmed. */
  switched(run: { installationId: string; startedAt: number }, showTime: number): void {
    if (this.last && this.last.installationId === run.installationId && this.last.lateMs === null) this.last.lateMs = showTime - run.startedAt;
  }

  /** A warm-up time (a module's load, or a run warm on every screen) goes to the server. */
  preloaded(p: DisplayPreloaded): void {
    this.lastSent = { ...p };
    try {
      this.send(p);
    } catch {
      /* offline: the server keeps its older estimate */
    }
  }
}
