import type { Show } from '../../protocol';
import type { ShowListener } from '../show/store';

/** Whether this node is the writer now, and a way to hear when that changes. */
export interface WriterGate {
  isWriter(): boolean;
  onChange(fn: () => void): () => void;
}

type Follows = { get(): Show; subscribe(l: ShowListener): () => void };

/**
 * The show as the DMX sender of a node sees it: with its outputs on the writer only. Every node
 * follows the show, so without this every node would send the same universes (two senders on one
 * universe make a desk flicker or merge them). A follower's sender sees no outputs and sends
 * nothing; a node that becomes the writer hears the show again, opens the outputs with their held
 * values and sends; a writer that steps down closes them. Piece lights still come in on any node's
 * screens (server/links/dmx-lights.ts) but only the writer's turn into packets.
 */
export function writerOnlyDmx(store: Follows, gate: WriterGate): Follows {
  const view = (show: Show): Show => {
    if (gate.isWriter()) return show;
    const rest: Show = { ...show };
    delete rest.dmx;
    return rest;
  };
  const listeners = new Set<ShowListener>();
  gate.onChange(() => {
    const show = view(store.get());
    for (const l of listeners) l(show, [], null);
  });
  return {
    get: () => view(store.get()),
    subscribe(l) {
      listeners.add(l);
      const off = store.subscribe((show, effects, command) => l(view(show), gate.isWriter() ? effects : [], command));
      return () => {
        listeners.delete(l);
        off();
      };
    },
  };
}
