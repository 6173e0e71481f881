import { useContext, useEffect, useState } from 'react';
import { SRGBColorSpace, Texture } from 'three';
import { PieceRuntimeContext, type PieceRuntime } from './runtime';

/** What `useAsset` can turn the bytes into. */
export interface AssetKinds {
  arrayBuffer: ArrayBuffer;
  blob: Blob;
  text: string;
  json: unknown;
  /** A three.js texture (sRGB), freed by the hook when the piece unmounts or the URL changes. */
  texture: Texture;
}
export type AssetKind = keyof AssetKinds;

export interface AssetState<T> {
  status: 'loading' | 'ready' | 'error';
  data: T | null;
  error: Error | null;
  /** Bytes received so far, and the total when the server says it (else null). */
  loaded: number;
  total: number | null;
}

/** No bytes for this long and a download counts as failed (reported, never left hanging). */
export const ASSET_STALL_MS = 20_000;

/** Downloads in flight per run of a piece, summed into one progress bar on the screen. */
const inFlight = new Map<string, Map<number, { loaded: number; total: number }>>();
let nextId = 0;

function progress(rt: PieceRuntime, id: number, loaded: number, total: number, done = false): void {
  let mine = inFlight.get(rt.seed);
  if (!mine) inFlight.set(rt.seed, (mine = new Map()));
  if (done) mine.delete(id);
  else mine.set(id, { loaded, total: Math.max(total, loaded) });
  let l = 0;
  let t = 0;
  for (const p of mine.values()) {
    l += p.loaded;
    t += p.total;
  }
  if (!mine.size) inFlight.delete(rt.seed);
  rt.reportProgress(mine.size ? l : 1, mine.size ? t : 1);
}

async function download(url: string, signal: AbortSignal, onBytes: (loaded: number, total: number | null) => void): Promise<Blob> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`asset ${url} failed to load: HTTP ${res.status} ${res.statusText}`.trim());
  const header = Number(res.headers.get('content-length'));
  const total = Number.isFinite(header) && header > 0 ? header : null;
  if (!res.body) return res.blob();
  const reader = res.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value as Uint8Array<ArrayBuffer>);
    loaded += value.byteLength;
    onBytes(loaded, total);
  }
  return new Blob(chunks, { type: res.headers.get('content-type') ?? '' });
}

async function convert<K extends AssetKind>(blob: Blob, as: K): Promise<AssetKinds[K]> {
  switch (as) {
    case 'blob':
      return blob as AssetKinds[K];
    case 'text':
      return (await blob.text()) as AssetKinds[K];
    case 'json':
      return JSON.parse(await blob.text()) as AssetKinds[K];
    case 'texture': {
      const bitmap = await createImageBitmap(blob, { imageOrientation: 'flipY' });
      const tex = new Texture(bitmap as unknown as HTMLImageElement);
      tex.colorSpace = SRGBColorSpace;
      tex.flipY = false; // flipped while decoding: ImageBitmaps ignore flipY
      tex.needsUpdate = true;
      return tex as AssetKinds[K];
    }
    default:
      return (await blob.arrayBuffer()) as AssetKinds[K];
  }
}

/**
 * Loads one asset of the piece (import its URL: `import clip from './assets/clip.mp3?url'`, or
 * `new URL('./assets/x.png', import.meta.url).href`). The screen's preload bar shows the bytes as
 * they arrive; a failure or a stall of 20 s is reported to the technician and returned as
 * `status: 'error'`, so draw something without it. Never suspends: render a placeholder while
 * `status` is 'loading'.
 */
export function useAsset<K extends AssetKind = 'arrayBuffer'>(url: string, as?: K): AssetState<AssetKinds[K]> {
  const rt = useContext(PieceRuntimeContext);
  if (!rt) throw new Error('useAsset() must be called inside a piece rendered by Pavilion (display, preview or test host)');
  const kind = (as ?? 'arrayBuffer') as K;
  const [state, setState] = useState<AssetState<AssetKinds[K]>>({ status: 'loading', data: null, error: null, loaded: 0, total: null });

  useEffect(() => {
    const id = nextId++;
    const abort = new AbortController();
    let stall: ReturnType<typeof setTimeout> | undefined;
    let made: AssetKinds[K] | null = null;
    let settled = false;
    const arm = () => {
      clearTimeout(stall);
      stall = setTimeout(() => abort.abort(new Error(`asset ${url} stalled: no data for ${ASSET_STALL_MS / 1000} s`)), ASSET_STALL_MS);
    };
    setState({ status: 'loading', data: null, error: null, loaded: 0, total: null });
    arm();
    progress(rt, id, 0, 1);
    download(url, abort.signal, (loaded, total) => {
      arm();
      progress(rt, id, loaded, total ?? loaded + 1);
      setState((s) => ({ ...s, loaded, total }));
    })
      .then((blob) => convert(blob, kind))
      .then(
        (data) => {
          made = data;
          settled = true;
          if (abort.signal.aborted) {
            if (data instanceof Texture) data.dispose(); // unmounted meanwhile: never drawn
            return;
          }
          setState((s) => ({ status: 'ready', data, error: null, loaded: s.loaded, total: s.total ?? s.loaded }));
        },
        (e: unknown) => {
          settled = true;
          if (abort.signal.aborted && !(abort.signal.reason instanceof Error && abort.signal.reason.message.includes('stalled'))) return;
          const error = e instanceof Error ? e : new Error(String(e));
          rt.reportError('asset', error);
          setState((s) => ({ ...s, status: 'error', error }));
        },
      )
      .finally(() => {
        clearTimeout(stall);
        progress(rt, id, 0, 0, true);
      });
    return () => {
      clearTimeout(stall);
      if (!settled) abort.abort();
      progress(rt, id, 0, 0, true);
      if (made instanceof Texture) {
        (made.image as ImageBitmap | undefined)?.close?.();
        made.dispose();
      }
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [url, kind, rt.seed]);

  return state;
}
