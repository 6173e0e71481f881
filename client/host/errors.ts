import type { PieceError } from '../../protocol';

/** An error as the host records it: a PieceError, and which (simulated) screen saw it, if several share a host. */
export interface HostError extends PieceError {
  screen?: string;
}

/** What a report names: the piece (null: the screen itself), its version, the phase, and whatever was thrown. */
export interface ErrorReport {
  installationId: string | null;
  version: string | null;
  phase: PieceError['phase'];
  error: unknown;
  screen?: string;
}

const MESSAGE_MAX = 2000;
const STACK_MAX = 8000;

/** A readable message for anything thrown (Errors, strings, plain objects, undefined). */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  let json: string | undefined;
  try {
    json = JSON.stringify(err);
  } catch {
    json = undefined; // a cycle: fall back to String()
  }
  return json ?? String(err);
}

/** Normalises a report into the entry the host logs and sends: bounded message and stack. */
export function normaliseError(r: ErrorReport, at: number): HostError {
  const err = r.error;
  const stack = err instanceof Error && err.stack ? err.stack.slice(0, STACK_MAX) : undefined;
  return {
    at,
    installationId: r.installationId,
    version: r.version,
    phase: r.phase,
    message: messageOf(err).slice(0, MESSAGE_MAX),
    ...(stack ? { stack } : {}),
    ...(r.screen ? { screen: r.screen } : {}),
  };
}

export interface ErrorLogOptions {
  /** How many entries the log keeps (the oldest go first). */
  limit: number;
  /** Console prefix, e.g. '[pavilion]'. */
  label: string;
  /** Where entries go besides the log (the server); a sender that throws is ignored. */
  send?: (entry: HostError) => void;
  now?: () => number;
  warn?: (message: string) => void;
}

/** The errors a host saw: kept (bounded) for diagnostics, warned on the console, and sent on. */
export class ErrorLog {
  private entries: HostError[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly opts: ErrorLogOptions) {}

  report(r: ErrorReport): HostError {
    const entry = normaliseError(r, (this.opts.now ?? Date.now)());
    this.entries = [...this.entries.slice(-(this.opts.limit - 1)), entry];
    (this.opts.warn ?? console.warn)(`${this.opts.label} ${entry.phase} error in ${entry.installationId ?? 'the screen'}: ${entry.message}`);
    try {
      this.opts.send?.(entry);
    } catch {
      /* offline: it stays in the log */
    }
    for (const l of this.listeners) l();
    return entry;
  }

  list(): readonly HostError[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
    for (const l of this.listeners) l();
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }
}
