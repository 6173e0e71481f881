/**
 * npm run assets — writes the calibration patterns (scripts/lib/patterns.ts) into
 * assets/patterns/, then assets/manifest.json: every servable file under assets/ with its size,
 * SHA-256 and content type. Run it after adding, changing or removing anything in assets/; the
 * server serves only what the manifest lists, and a test fails when the manifest is stale.
 *   npm run assets -- --check   exits 1 (and says what differs) instead of writing
 */
import fs from 'node:fs';
import path from 'node:path';
import { ASSETS_DIR, MANIFEST_FILE, formatManifest, scanAssets } from '../server/http/assets';
import { PATTERNS } from './lib/patterns';

const check = process.argv.includes('--check');
const stale: string[] = [];

function put(file: string, content: string): void {
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
  if (old === content) return;
  stale.push(path.relative(process.cwd(), file));
  if (!check) fs.writeFileSync(file, content);
}

fs.mkdirSync(path.join(ASSETS_DIR, 'patterns'), { recursive: true });
for (const [name, draw] of Object.entries(PATTERNS)) put(path.join(ASSETS_DIR, 'patterns', name), draw());
put(path.join(ASSETS_DIR, MANIFEST_FILE), formatManifest(scanAssets(ASSETS_DIR)));

if (check && stale.length) {
  process.stderr.write(`assets: out of date: ${stale.join(', ')}; run \`npm run assets\`\n`);
  process.exit(1);
}
process.stdout.write(stale.length ? `assets: ${check ? 'would write' : 'wrote'} ${stale.join(', ')}\n` : 'assets: up to date\n');
