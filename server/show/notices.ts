import type { ServerNotice } from '../../protocol';

/**
 * What the server did on its own that a technician should know of (params migrated after a piece
 * changed): the last few, in the panel's mirror (ShowView.notices), newest last.
 */
export interface Notices {
  add(kind: ServerNotice['kind'], message: string): void;
  list(): ServerNotice[];
}

export function createNotices(now: () => number, onAdd: () => void = () => {}, max = 20): Notices {
  let seq = 0;
  let items: ServerNotice[] = [];
  return {
    add(kind, message) {
      items = [...items, { id: ++seq, at: now(), kind, message }].slice(-max);
      onAdd();
    },
    list: () => items,
  };
}
