import nodeFs from 'node:fs';
import type { DiskStatus, ServerHealth } from '../../protocol';
import type { ShowStorage } from './journal';

/**
 * Watches the data disk: its free space, read with statfs every `pollMs` (an unref'd timer), and
 * whether the show's saves succeed. Below `warnBytes` the server says it is degraded (GET
 * /api/health, the panel's header). With no space left, or while saves fail, commands are refused
 * by the store (nothing is acknowledged that is not durable) and screens keep playing what they
 * have; the panel says why.
 *
 * The free space is read through `stat`, injected, so that tests can fake a filling disk.
 */

export interface DiskSpace {
  /** Bytes this process may still write (statfs bavail × bsize). */
  freeBytes: number;
  totalBytes: number;
}
export type StatDisk = (dir: string) => DiskSpace;

export const statDisk: StatDisk = (dir) => {
  const s = nodeFs.statfsSync(dir);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
};

export const DEFAULT_WARN_BYTES = 500 * 1024 * 1024;
export const DEFAULT_DISK_POLL_MS = 10_000;

export interface DiskOptions {
  /** Below this many free bytes, the server is degraded (default 500 MB; PAVILION_DISK_WARN_MB). */
  warnBytes?: number;
  /** How often the free space is read (default 10 s). */
  pollMs?: number;
  stat?: StatDisk;
}

export interface DiskLog {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

export interface DiskWatch {
  status(): DiskStatus;
  /** Reads the free space now (the timer does it every pollMs). */
  check(): DiskStatus;
  /** The same storage, whose saves report here: a failed save marks the disk until a save succeeds. */
  watch(storage: ShowStorage): ShowStorage;
  /** Called when the state or the save error changes. */
  onChange(fn: () => void): () => void;
  close(): void;
}

/** PAVILION_DISK_WARN_MB as bytes (the default when unset); anything but a number ≥ 0 throws, saying what to give. */
export function warnBytesFromEnv(env: Record<string, string | undefined> = process.env): number {
  const raw = env.PAVILION_DISK_WARN_MB;
  if (raw === undefined || raw.trim() === '') return DEFAULT_WARN_BYTES;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb < 0)
    throw new Error(`config: PAVILION_DISK_WARN_MB='${raw}' is not valid; give the free space in MB under which the server warns (e.g. 500), or 0 to warn only when the disk is full`);
  return Math.round(mb * 1024 * 1024);
}

export function watchDisk(dir: string, opts: DiskOptions & { now: () => number; log?: DiskLog }): DiskWatch {
  const stat = opts.stat ?? statDisk;
  const warnBytes = opts.warnBytes ?? DEFAULT_WARN_BYTES;
  const listeners = new Set<() => void>();
  let space: DiskSpace | null = null;
  let statError: string | null = null;
  let writeError: string | null = null;
  let checkedAt: number | null = null;
  let last = '';

  const status = (): DiskStatus => ({
    state: stateOf(space, writeError, warnBytes),
    freeBytes: space?.freeBytes ?? null,
    totalBytes: space?.totalBytes ?? null,
    warnBytes,
    writeError,
    checkedAt,
  });

  /** Logs and tells the listeners when the state or the save error changed. */
  function settle(): DiskStatus {
    const s = status();
    const key = `${s.state}|${s.writeError ?? ''}`;
    if (key === last) return s;
    const first = last === '';
    last = key;
    const reason = diskReason(s);
    if (reason) opts.log?.warn({ dir, freeBytes: s.freeBytes, warnBytes, writeError: s.writeError }, `disk: ${reason}`);
    else if (!first) opts.log?.info({ dir, freeBytes: s.freeBytes }, 'disk: no longer degraded (saves succeed, and the free space is above the threshold)');
    for (const l of listeners) {
      try {
        l();
      } catch {
        /* a listener's failure is not the disk's */
      }
    }
    return s;
  }

  function check(): DiskStatus {
    checkedAt = opts.now();
    try {
      space = stat(dir);
      statError = null;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      if (statError !== code) opts.log?.warn({ dir, code }, `disk: cannot read the free space of ${dir} (${code}); its free space is not watched, failed saves still are`);
      statError = code;
      space = null;
    }
    return settle();
  }

  check();
  const timer = setInterval(check, opts.pollMs ?? DEFAULT_DISK_POLL_MS);
  timer.unref();

  return {
    status,
    check,
    watch: (storage) => ({
      load: () => storage.load(),
      save(show) {
        try {
          storage.save(show);
        } catch (e) {
          writeError = (e as NodeJS.ErrnoException | null)?.code ?? 'error';
          check(); // the free space now, and the listeners told
          throw e;
        }
        if (writeError !== null) {
          writeError = null;
          check();
        }
      },
      close: () => storage.close(),
    }),
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close: () => clearInterval(timer),
  };
}

function stateOf(space: DiskSpace | null, writeError: string | null, warnBytes: number): DiskStatus['state'] {
  if (writeError === 'ENOSPC' || (space && space.freeBytes <= 0)) return 'full';
  if (writeError) return 'failing';
  if (!space) return 'unknown';
  return space.freeBytes < warnBytes ? 'low' : 'ok';
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(bytes < 10 * 1048576 ? 1 : 0)} MB`;

/** Why the disk makes the server degraded, in words that say what to do; null when it does not. */
export function diskReason(s: DiskStatus): string | null {
  switch (s.state) {
    case 'full':
      return `the data disk is full (${s.freeBytes ?? 0} bytes free${s.writeError ? `, the last save failed with ${s.writeError}` : ''}): changes are refused and screens keep playing what they have; free space on it`;
    case 'failing':
      return `saving the show fails (${s.writeError}): changes are refused and screens keep playing what they have; check the data disk${s.writeError === 'EROFS' ? ' (it is read-only)' : ''}`;
    case 'low':
      return `the data disk has ${mb(s.freeBytes ?? 0)} free, under the ${mb(s.warnBytes)} warning threshold (PAVILION_DISK_WARN_MB); free space on it before it fills`;
    default:
      return null;
  }
}

/** The server's health as far as the disk decides it. */
export function healthOf(disk: DiskStatus): ServerHealth {
  const reason = diskReason(disk);
  return { status: reason ? 'degraded' : 'ok', reasons: reason ? [reason] : [], disk };
}
