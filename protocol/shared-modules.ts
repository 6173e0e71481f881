/* A leaf without imports: vite.config.ts loads it too. */
/**
 * The modules a piece shares with the running app instead of bundling its own copy: the app
 * exposes each at /runtime/<name>.js, re-exporting the very instance the display uses (one React,
 * one three.js, one Tone context). `npm run pack-piece` maps a piece's imports to those URLs.
 */
export const SHARED_MODULES = {
  react: 'react',
  'react/jsx-runtime': 'react-jsx-runtime',
  'react-dom': 'react-dom',
  three: 'three',
  '@react-three/fiber': 'fiber',
  '@react-three/drei': 'drei',
  '@react-three/postprocessing': 'react-postprocessing',
  postprocessing: 'postprocessing',
  tone: 'tone',
  'pavilion/sdk': 'sdk',
} as const satisfies Record<string, string>;
export type SharedSpecifier = keyof typeof SHARED_MODULES;
export const RUNTIME_PREFIX = '/runtime/';

/** The URL the browser loads a shared module from, e.g. /runtime/three.js. */
export function runtimeUrl(specifier: SharedSpecifier): string {
  return `${RUNTIME_PREFIX}${SHARED_MODULES[specifier]}.js`;
}
