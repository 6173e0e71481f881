import { create } from 'zustand';
import type { ShowView } from '../../protocol';

/**
 * The master blackout as the server last acknowledged it from this panel, with the show version
 * of that ack. The panel's mirror of the show comes at most four times a second, so right after
 * an ack (a click, an Undo) it can still show the state before: the button would read wrong and a
 * second click would send the stale value. Until the mirror reaches the ack's version, the
 * acknowledged value wins.
 */
interface Acked {
  blackout: { on: boolean; version: number } | null;
}

export const useAcked = create<Acked>(() => ({ blackout: null }));

/** Remembers what an acknowledged command set (called by link.ts's send). */
export function acknowledged(command: { type: string; on?: unknown }, version: number): void {
  if (command.type === 'show.blackout' && typeof command.on === 'boolean') useAcked.setState({ blackout: { on: command.on, version } });
}

/** The blackout to show and to act on: the mirror's, unless this panel's last ack is newer. */
export function blackoutOf(show: Pick<ShowView, 'blackout' | 'version'>, acked: Acked['blackout']): boolean {
  return acked && acked.version > show.version ? acked.on : show.blackout;
}

/** The show as this panel knows it: the mirror with the newer acknowledged values over it (for Undo). */
export function withAcked(show: ShowView | null): ShowView | null {
  if (!show) return show;
  const on = blackoutOf(show, useAcked.getState().blackout);
  return on === show.blackout ? show : { ...show, blackout: on };
}
