import { pieceFileUrl, type PieceSummary, type PieceVersions, type Show } from '../../protocol';
import type { PieceRef } from '../show/reducer';
import type { PieceCatalog } from './catalog';
import type { PieceStore } from './uploads';

/**
 * Uploaded pieces as the show sees them. The files are the store's (./uploads.ts); the owner of an
 * id and the version the next wall.play starts are the show's (show.pieces, changed only by the
 * commands piece.add, piece.rollback and piece.transfer), and each wall names the version it
 * plays. Pieces stored before the show recorded them fall back to the store: the first uploader
 * and the latest upload.
 */
export interface PieceState {
  /** The version the next wall.play starts, or undefined for no uploaded piece of that id. */
  current(id: string): string | undefined;
  /** Who owns the id (null: technicians only), or undefined for no uploaded piece of that id. */
  owner(id: string): string | null | undefined;
  /** The reducer's lookup: bundled pieces from the catalog, uploaded ones by version. */
  ref(id: string, version?: string): PieceRef | undefined;
  /** A summary for a screen: that version's when given and kept, else the current one. */
  summary(id: string, version?: string | null): PieceSummary | undefined;
  /** Versions the show uses (the current one, and those walls play): never pruned. */
  inUse(id: string): Set<string>;
  versions(id: string): PieceVersions | undefined;
  list(): PieceVersions[];
  /** Ids owned by this artist. */
  ownedBy(artist: string): string[];
  /** Puts each uploaded piece's current version in the catalog (after every change of the show). */
  sync(): void;
}

export function createPieceState(opts: { store: PieceStore; catalog: PieceCatalog; show: () => Show }): PieceState {
  const { store, catalog } = opts;

  function current(id: string): string | undefined {
    const p = store.get(id);
    if (!p) return undefined;
    const named = opts.show().pieces?.[id]?.version;
    return named !== undefined && p.versions.some((v) => v.version === named) ? named : p.latest;
  }

  function owner(id: string): string | null | undefined {
    // The show's word first (also for an id an imported show names but this server has no files of).
    const entry = opts.show().pieces?.[id];
    return entry ? entry.owner : store.get(id)?.firstOwner;
  }

  function versions(id: string): PieceVersions | undefined {
    const p = store.get(id);
    const active = current(id);
    if (!p || active === undefined) return undefined;
    return {
      id,
      owner: owner(id) ?? null,
      active,
      versions: p.versions.map((v) => ({ ...v, active: v.version === active, moduleUrl: pieceFileUrl(id, v.version) })),
    };
  }

  const state: PieceState = {
    current,
    owner,
    ref(id, version) {
      const p = store.get(id);
      if (!p) {
        const bundled = catalog.get(id);
        return bundled?.source === 'bundled' ? bundled : undefined;
      }
      const v = version ?? current(id);
      const s = v === undefined ? undefined : store.summary(id, v);
      if (!s) return undefined;
      return { ...s, versions: p.versions.map((x) => x.version), owner: p.firstOwner };
    },
    summary(id, version) {
      if (!store.get(id)) return catalog.get(id);
      const v = version ?? current(id);
      return (v ? store.summary(id, v) : undefined) ?? catalog.get(id);
    },
    inUse(id) {
      const show = opts.show();
      const out = new Set<string>();
      const named = show.pieces?.[id]?.version;
      if (named) out.add(named);
      for (const w of Object.values(show.walls)) if (w.installationId === id && w.version) out.add(w.version);
      return out;
    },
    versions,
    list: () => store.all().map((p) => versions(p.id)).filter((v): v is PieceVersions => v !== undefined),
    ownedBy: (artist) => store.all().filter((p) => owner(p.id) === artist).map((p) => p.id),
    sync() {
      for (const p of store.all()) {
        if (catalog.get(p.id)?.source === 'bundled') continue; // shadowed: never played
        const v = current(p.id);
        if (v !== undefined && catalog.get(p.id)?.moduleUrl !== pieceFileUrl(p.id, v)) store.announce(p.id, v);
      }
    },
  };
  return state;
}
