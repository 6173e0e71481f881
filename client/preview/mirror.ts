import type { PreviewPage } from './page';

/**
 * window.__pavilionPreview: read-only state of the preview, for tests and curious artists. The
 * piece runs in the stage frame; these fields mirror what the stage last reported.
 */
export function previewMirror({ stage }: PreviewPage) {
  return Object.freeze({
    get framesRendered() {
      return stage.diag?.framesRendered ?? 0;
    },
    get ready() {
      return stage.diag?.ready ?? false;
    },
    get failed() {
      return stage.diag?.failed ?? false;
    },
    get errors() {
      return stage.errors.map((e) => ({ ...e }));
    },
    get screens() {
      return [...(stage.diag?.screens ?? [])];
    },
    memory(screen = 'preview-1') {
      const m = stage.diag?.screenMemory?.[screen];
      return m ? { ...m } : null;
    },
  });
}
