import { Manifest, defaultParams, type PieceSummary } from '../../protocol';
import type { PreviewPage } from './page';

/**
 * Finds the piece (the server's catalog, or a stored version) and hands it to the stage, which
 * loads its code in the sandbox. A piece that is known but fails to load there is reported and
 * replaced by the fallback, as on a screen.
 */
export async function loadPreview({ store }: PreviewPage, id: string, version: string | null): Promise<void> {
  let piece: PieceSummary | undefined;
  try {
    const list = (await (await fetch('/api/installations')).json()) as PieceSummary[];
    piece = list.find((p) => p.id === id);
  } catch {
    return void store.setState({ problem: 'the server did not answer GET /api/installations; is it running? Reload this page once it is.' });
  }
  if (version) {
    const res = await fetch(`/pieces/${id}/${version}/manifest.json`);
    if (!res.ok) return void store.setState({ problem: `there is no stored version ${version} of '${id}'; GET /api/pieces/${id}/versions lists them` });
    const m = Manifest.safeParse(await res.json());
    if (!m.success) return void store.setState({ problem: `the manifest of ${id} ${version} is not valid; upload the piece again` });
    piece = { ...m.data, moduleUrl: `/pieces/${id}/${version}/module.js`, source: 'uploaded' };
  }
  if (!piece)
    return void store.setState({
      problem: `there is no piece '${id}' here. Bundled pieces are folders in installations/ (npm run new-piece -- ${id} makes one; restart the server so that it sees it); uploaded ones are listed at /preview.`,
    });
  store.setState({ piece, params: defaultParams(piece), problem: null });
}
