import type { ComponentType } from 'react';
import type { ManifestInput } from '../protocol';
import type { ManifestJson } from './params';

/** What a piece's index.tsx default-exports. */
export interface InstallationModule {
  manifest: ManifestInput;
  /** Rendered inside the screen's <Canvas>: three.js objects, lights, effects. */
  Component: ComponentType;
}

/**
 * Declares a piece. The manifest is data (manifest.json, imported as is, no cast); the component
 * draws it. The manifest is checked against the full schema where the server discovers or
 * receives the piece, not here.
 */
export function defineInstallation(def: { manifest: ManifestJson; Component: ComponentType }): InstallationModule {
  if (!def || typeof def.Component !== 'function' && typeof def.Component !== 'object')
    throw new Error('defineInstallation: pass { manifest, Component } where Component is a React component');
  if (!def.manifest?.id) throw new Error('defineInstallation: the manifest has no id; import it from ./manifest.json');
  // Validated at discovery and upload (server/pieces): the host trusts only manifests that passed.
  return def as InstallationModule;
}
