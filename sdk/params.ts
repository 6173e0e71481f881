import type { ParamValue } from '../protocol';

/**
 * A manifest as TypeScript reads `import manifest from './manifest.json'`: strings where the
 * schema has literals. defineInstallation takes it as is; the server checks it against the full
 * schema when it discovers or receives the piece (a bad manifest is refused there, with the reason).
 */
export interface ManifestJson {
  id: string;
  title: string;
  artist: string;
  description: string;
  version?: string;
  params: { [name: string]: { type: string; default: ParamValue } };
  inputs?: readonly { id: string; type: string }[];
}

/** The value type of one param spec: its options for a select (when TypeScript knows them), else its default's type. */
export type ParamValueOf<S> = S extends { type: 'select'; options: readonly (infer O extends string)[] }
  ? O
  : S extends { default: infer D }
    ? D extends number
      ? number
      : D extends string
        ? string
        : D extends boolean
          ? boolean
          : never
    : never;

/**
 * The params of a manifest, inferred from each param's `default`:
 *   import manifest from './manifest.json';
 *   type Params = ParamsOf<typeof manifest>; // { speed: number; palette: string; ... }
 *   const { speed, palette } = useParams<Params>();
 */
export type ParamsOf<M extends { params: object }> = { -readonly [K in keyof M['params']]: ParamValueOf<M['params'][K]> };
