import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packFolder, uploadPiece } from '../../scripts/lib/piece-upload';
import { ROOT } from './child';

/** The ids of the light cue piece's two packs (bench/sync/pieces/cue-tide): two pieces to switch between. */
export const CUE_PIECES = ['cue-tide', 'cue-tide-2'] as const;

/**
 * The light cue piece (one full-wall shader quad, cheap enough for software WebGL to hold 60 fps),
 * packed twice with the real `pack-piece` (the second with its own id, title and hue) and uploaded
 * to `server` with `token`, as an artist uploads a piece. Returns the two ids.
 */
export async function uploadCuePieces(server: { url: string }, token: string): Promise<string[]> {
  const src = path.join(ROOT, 'bench', 'sync', 'pieces', 'cue-tide');
  for (const [i, id] of CUE_PIECES.entries()) {
    let folder = src;
    if (i > 0) {
      folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-cue-')), id);
      fs.cpSync(src, folder, { recursive: true });
      const m = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as { id: string; title: string; params: { hue: { default: number } } };
      m.id = id;
      m.title = `${m.title} II`;
      m.params.hue.default = 0.08;
      fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify(m, null, 2));
    }
    const res = await uploadPiece(server, fs.readFileSync(await packFolder(folder)), token);
    if (res.status >= 300) throw new Error(`uploading ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return [...CUE_PIECES];
}
