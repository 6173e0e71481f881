import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ID_PATTERN } from '../../protocol/ids';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const TEMPLATE = path.join(ROOT, 'scripts', 'templates', 'piece');
const RESERVED = new Set(['sdk', 'runtime', 'pieces', 'assets', 'node-modules']);

export class ScaffoldError extends Error {}

/** Why an id cannot name a new piece, or null. */
export function badId(id: string): string | null {
  if (!id) return 'give the piece an id, e.g. npm run new-piece -- tide-lines';
  if (!ID_PATTERN.test(id))
    return `'${id}' is not a valid piece id: use lower-case letters, digits and dashes, starting with a letter or digit (e.g. '${suggestId(id) || 'tide-lines'}')`;
  if (RESERVED.has(id)) return `'${id}' is reserved by Pavilion; pick another id`;
  return null;
}

function suggestId(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
}

function titleOf(id: string): string {
  return id.split('-').filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
}

function gitUser(): string | null {
  try {
    return execFileSync('git', ['config', 'user.name'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * Creates <dir>/<id>/ from the commented template (manifest.json, index.tsx, shaders.ts,
 * README.md). Written aside first and renamed into place, so a failure leaves nothing behind.
 */
export function scaffoldPiece(id: string, opts: { dir?: string; title?: string; artist?: string } = {}): { folder: string; files: string[] } {
  const why = badId(id);
  if (why) throw new ScaffoldError(why);
  const dir = path.resolve(opts.dir ?? path.join(ROOT, 'installations'));
  const folder = path.join(dir, id);
  const shown = path.relative(process.cwd(), folder) || folder;
  if (fs.existsSync(folder)) throw new ScaffoldError(`${shown} exists already; pick another id, or delete that folder first`);
  const title = (opts.title ?? titleOf(id)).replace(/["\\\n]/g, '');
  const artist = (opts.artist ?? gitUser() ?? 'Your name').replace(/["\\\n]/g, '');
  const fill = (text: string) => text.replaceAll('__ID__', id).replaceAll('__TITLE__', title).replaceAll('__ARTIST__', artist);

  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${id}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  const files = fs.readdirSync(TEMPLATE).filter((f) => fs.statSync(path.join(TEMPLATE, f)).isFile()).sort();
  try {
    fs.mkdirSync(tmp);
    for (const f of files) fs.writeFileSync(path.join(tmp, f), fill(fs.readFileSync(path.join(TEMPLATE, f), 'utf8')));
    fs.renameSync(tmp, folder);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new ScaffoldError(`could not create ${shown}: ${(e as Error).message}`);
  }
  return { folder, files };
}
