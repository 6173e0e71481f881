import fs from 'node:fs';
import path from 'node:path';
import { Manifest, describeIssues, ID_PATTERN, type PieceSummary } from '../../protocol';
import type { Logger } from 'pino';

export interface PieceCatalog {
  list(): PieceSummary[];
  get(id: string): PieceSummary | undefined;
  /** Adds or replaces an uploaded piece (issue: live add). */
  put(summary: PieceSummary): void;
  subscribe(fn: (pieces: PieceSummary[]) => void): () => void;
}

/** Reads and validates one manifest file; returns a summary or a message naming file and field. */
export function readManifest(file: string, folderId: string): { ok: true; manifest: Manifest } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return { ok: false, message: `pieces: ${file} is not valid JSON (${(e as Error).message}); fix it and restart` };
  }
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) return { ok: false, message: `pieces: skipping ${file}: ${describeIssues(parsed.error.issues)}` };
  if (parsed.data.id !== folderId)
    return { ok: false, message: `pieces: skipping ${file}: id '${parsed.data.id}' must match its folder name '${folderId}'` };
  return { ok: true, manifest: parsed.data };
}

export function toSummary(m: Manifest, source: PieceSummary['source'], moduleUrl: string | null): PieceSummary {
  return { id: m.id, title: m.title, artist: m.artist, description: m.description, version: m.version, params: m.params, inputs: m.inputs, moduleUrl, source, ...(m.vr ? { vr: true } : {}) };
}

/** Discovers bundled pieces: every installations/<id>/manifest.json except the SDK. */
export function discoverPieces(dir: string, logger: Pick<Logger, 'warn' | 'info'>): PieceSummary[] {
  const out: PieceSummary[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const file = path.join(dir, entry.name, 'manifest.json');
    if (!ID_PATTERN.test(entry.name)) {
      logger.warn(`pieces: skipping folder ${path.join(dir, entry.name)}: its name must match ${ID_PATTERN}`);
      continue;
    }
    if (!fs.existsSync(file)) {
      logger.warn(`pieces: skipping ${path.join(dir, entry.name)}: it has no manifest.json`);
      continue;
    }
    const res = readManifest(file, entry.name);
    if (!res.ok) {
      logger.warn(res.message);
      continue;
    }
    out.push(toSummary(res.manifest, 'bundled', null));
  }
  return out;
}

export function createCatalog(initial: PieceSummary[]): PieceCatalog {
  const pieces = new Map(initial.map((p) => [p.id, p]));
  const listeners = new Set<(p: PieceSummary[]) => void>();
  const list = () => [...pieces.values()];
  return {
    list,
    get: (id) => pieces.get(id),
    put(summary) {
      pieces.set(summary.id, summary);
      for (const l of listeners) l(list());
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
