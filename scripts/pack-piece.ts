/**
 * npm run pack-piece -- installations/<id> [--out <folder>]
 *
 * Builds one piece alone and writes one versioned bundle (<id>-<version>.pavilion, default in
 * dist/pieces/). The last line of the output is the bundle's path, for scripts:
 *   curl -H "Authorization: Bearer $ARTIST_TOKEN" -H 'content-type: application/octet-stream' \
 *        --data-binary @"$(npm run -s pack-piece -- installations/my-piece | tail -1)" http://host:8080/api/pieces
 */
import path from 'node:path';
import { PackError, packPiece } from './lib/pack';

const args = process.argv.slice(2);
let out: string | undefined;
const folders: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--out') out = args[++i];
  else folders.push(a);
}

const help = folders.includes('--help') || folders.includes('-h');
if (help || folders.length !== 1) {
  process.stderr.write('usage: npm run pack-piece -- installations/<id> [--out <folder>]\n');
  process.exit(help ? 0 : 1);
}

try {
  const res = await packPiece(folders[0]!, { out, log: (l) => process.stdout.write(`${l}\n`) });
  process.stdout.write(`packed ${res.id} ${res.version}: ${res.files.length} files, ${(res.bytes / 1024).toFixed(1)} kB\n`);
  process.stdout.write(`upload it: POST /api/pieces with this file as the body (Content-Type: application/octet-stream), or from /preview/${res.id}\n`);
  process.stdout.write(`${path.resolve(res.file)}\n`);
} catch (e) {
  const msg = e instanceof PackError ? e.message : `the build failed: ${(e as Error).message}`;
  process.stderr.write(`pack-piece: ${msg}\n`);
  process.exit(1);
}
