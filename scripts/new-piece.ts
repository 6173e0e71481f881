/**
 * npm run new-piece -- <id> [--title "Tide Lines"] [--artist "Ada L."] [--dir <folder>]
 *
 * Creates installations/<id>/ from a commented template: a small working piece (show time, params,
 * visitors, sound) to make your own.
 */
import path from 'node:path';
import { ScaffoldError, scaffoldPiece } from './lib/scaffold';

const args = process.argv.slice(2);
const opts: { dir?: string; title?: string; artist?: string } = {};
const ids: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--dir' || a === '--title' || a === '--artist') {
    const v = args[++i];
    if (v === undefined) fail(`${a} needs a value`);
    opts[a.slice(2) as 'dir' | 'title' | 'artist'] = v;
  } else if (a === '--help' || a === '-h') usage(0);
  else ids.push(a);
}
if (ids.length !== 1) usage(1);

try {
  const { folder, files } = scaffoldPiece(ids[0]!, opts);
  const rel = path.relative(process.cwd(), folder) || folder;
  const id = path.basename(folder);
  process.stdout.write(
    [
      `created ${rel}/ (${files.join(', ')})`,
      '',
      'next:',
      `  1. npm run dev, then open http://localhost:5173/preview/${id}`,
      `  2. edit ${rel}/index.tsx: the preview reloads as you save`,
      `  3. npm run pack-piece -- ${rel}: one file to upload to a running show`,
      '  docs/artist-guide.md has the rules, the SDK, uploading and rolling back',
      '',
    ].join('\n'),
  );
} catch (e) {
  fail(e instanceof ScaffoldError ? e.message : (e as Error).message);
}

function usage(code: number): never {
  process.stderr.write('usage: npm run new-piece -- <id> [--title "Title"] [--artist "Name"] [--dir <folder>]\n  <id>: lower-case letters, digits and dashes, e.g. tide-lines\n');
  process.exit(code);
}

function fail(message: string): never {
  process.stderr.write(`new-piece: ${message}\n`);
  process.exit(1);
}
