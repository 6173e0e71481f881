import type { ComponentType } from 'react';
import type { ManifestInput } from '../protocol';

/** What a piece's index.tsx default-exports. */
export interface InstallationModule {
  manifest: ManifestInput;
  /** Rendered inside the screen's <Canvas>: three.js objects, lights, effects. */
  Component: ComponentType;
}

/** Declares a piece. The manifest is data (manifest.json); the component draws it. */
export function defineInstallation(def: InstallationModule): InstallationModule {
  if (!def || typeof def.Component !== 'function' && typeof def.Component !== 'object')
    throw new Error('defineInstallation: pass { manifest, Component } where Component is a React component');
  if (!def.manifest?.id) throw new Error('defineInstallation: the manifest has no id; import it from ./manifest.json');
  return def;
}
