import fs from 'node:fs';
import path from 'node:path';

/** The npm packages behind the shared runtime modules (react/jsx-runtime is react's). */
export const RUNTIME_PACKAGES = ['react', 'react-dom', 'three', '@react-three/fiber', '@react-three/drei', '@react-three/postprocessing', 'postprocessing', 'tone'] as const;

/** Installed versions of the shared packages, read from node_modules under `root`. */
export function runtimeVersions(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of RUNTIME_PACKAGES) {
    try {
      out[name] = (JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      /* not installed: nothing to compare */
    }
  }
  return out;
}

/**
 * Warnings for a piece built against other versions of the shared packages: three.js changes its
 * API between minor versions, the others between major ones.
 */
export function runtimeWarnings(builtWith: Record<string, string>, here: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [name, built] of Object.entries(builtWith)) {
    const mine = here[name];
    if (!mine || mine === built) continue;
    const [a1, b1] = built.split('.');
    const [a2, b2] = mine.split('.');
    const breaking = name === 'three' || a1 === '0' ? a1 !== a2 || b1 !== b2 : a1 !== a2;
    if (breaking) out.push(`built against ${name} ${built}, but this server runs ${name} ${mine}; check it in /preview before playing it`);
  }
  return out;
}
