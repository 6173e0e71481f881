import type { DisplayPreloaded } from '../../protocol';
import { hostState } from './diagnostics';

type Sender = (p: DisplayPreloaded) => void;
let send: Sender = () => {};

/** Where preload times go: the server, which sizes the lead of the next piece switch on them. */
export function setPreloadSender(fn: Sender): void {
  send = fn;
}

/** A piece's module finished preloading in `ms` (`cold`: this page had never loaded it). */
export function reportPreload(p: DisplayPreloaded): void {
  hostState.lastPreload = { ...p };
  try {
    send(p);
  } catch {
    /* offline: the server keeps its older estimate */
  }
}
