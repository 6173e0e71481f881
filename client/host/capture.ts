import { isStrayEngineError } from './stray';

/** What the capture hands the host: an uncaught error, and whether it is a stray of the audio engine. */
export interface CaptureSink {
  /** An uncaught error while a piece plays (useFrame, timers, promises): the piece's. */
  uncaught(error: unknown): void;
  /** A stackless DOMException from the audio engine's own timers (stray.ts). */
  stray(error: DOMException): void;
}

/** The part of `window` the capture listens on. */
export interface ErrorTarget {
  addEventListener(type: 'error', fn: (e: ErrorEvent) => void): void;
  addEventListener(type: 'unhandledrejection', fn: (e: PromiseRejectionEvent) => void): void;
  removeEventListener(type: 'error', fn: (e: ErrorEvent) => void): void;
  removeEventListener(type: 'unhandledrejection', fn: (e: PromiseRejectionEvent) => void): void;
}

/**
 * Listens for uncaught errors and unhandled rejections on `target` (the window). A stray engine
 * error is handled here (marked handled, so the browser does not also log it as uncaught). Returns
 * the function that stops listening.
 */
export function captureErrors(target: ErrorTarget, sink: CaptureSink): () => void {
  const take = (error: unknown, event: Event) => {
    if (isStrayEngineError(error)) {
      event.preventDefault();
      sink.stray(error);
    } else sink.uncaught(error);
  };
  const onError = (e: ErrorEvent) => take(e.error ?? e.message, e);
  const onRejection = (e: PromiseRejectionEvent) => take(e.reason, e);
  target.addEventListener('error', onError);
  target.addEventListener('unhandledrejection', onRejection);
  return () => {
    target.removeEventListener('error', onError);
    target.removeEventListener('unhandledrejection', onRejection);
  };
}
