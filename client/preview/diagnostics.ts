import { frame } from '../display/frame';
import { readMemory } from '../display/diagnostics';
import { previewStore } from './state';
import { renderers } from './Stage';

/** window.__pavilionPreview: read-only state of the preview page, for tests and curious artists. */
export function installPreviewDiagnostics(): void {
  if ('__pavilionPreview' in window) return; // a hot update ran main.tsx again
  const diag = {
    get framesRendered() {
      return frame.count;
    },
    get ready() {
      return !!previewStore.getState().module;
    },
    get failed() {
      return previewStore.getState().failed;
    },
    get errors() {
      return previewStore.getState().errors.map((e) => ({ ...e }));
    },
    get screens() {
      return [...renderers.keys()].sort();
    },
    memory(screen = 'preview-1') {
      const r = renderers.get(screen);
      return r ? readMemory(r) : null;
    },
  };
  Object.defineProperty(window, '__pavilionPreview', { value: Object.freeze(diag), configurable: false, writable: false });
}
