import type { PieceError } from '../../protocol';
import { pushError } from './store';

type Sender = (err: Omit<PieceError, 'at'>) => void;
let send: Sender = () => {};

/** Where errors go besides window.__pavilion.errors: the server (set by the session). */
export function setErrorSender(fn: Sender): void {
  send = fn;
}

export function reportError(e: { installationId: string | null; version: string | null; phase: PieceError['phase']; error: unknown }): void {
  const err = e.error;
  const message = (err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err) ?? String(err)).slice(0, 2000);
  const stack = err instanceof Error && err.stack ? err.stack.slice(0, 8000) : undefined;
  const entry: Omit<PieceError, 'at'> = { installationId: e.installationId, version: e.version, phase: e.phase, message, ...(stack ? { stack } : {}) };
  pushError({ ...entry, at: Date.now() });
  console.warn(`[pavilion] ${e.phase} error in ${e.installationId ?? 'the screen'}: ${message}`);
  try {
    send(entry);
  } catch {
    /* offline: it stays in __pavilion.errors */
  }
}
