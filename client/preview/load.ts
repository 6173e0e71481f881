import { Manifest, defaultParams, describeIssues, type PieceSummary } from '../../protocol';
import type { PreviewPage } from './page';

/**
 * Finds the piece (the server's catalog, a stored version, or a bundled module the server has not
 * seen yet) and loads it. A piece that is known but fails to load still goes to the host, which
 * reports the failure and shows the fallback, as a screen does.
 */
export async function loadPreview({ store, pieces }: PreviewPage, id: string, version: string | null): Promise<void> {
  let piece: PieceSummary | undefined;
  try {
    const list = (await (await fetch('/api/installations')).json()) as PieceSummary[];
    piece = list.find((p) => p.id === id);
  } catch {
    /* no server (static preview): try the bundled module below */
  }
  if (version) {
    const res = await fetch(`/pieces/${id}/${version}/manifest.json`);
    if (!res.ok) return void store.setState({ problem: `there is no stored version ${version} of '${id}'; GET /api/pieces/${id}/versions lists them` });
    const m = Manifest.parse(await res.json());
    piece = { ...m, moduleUrl: `/pieces/${id}/${version}/module.js`, source: 'uploaded' };
  }
  try {
    const module = await pieces.load(id, piece?.moduleUrl ?? null);
    if (!piece) {
      // A folder created since the server started: the app has it, the catalog not yet.
      const m = Manifest.safeParse(module.manifest);
      if (!m.success) throw new Error(`manifest.json of '${id}' is not valid: ${describeIssues(m.error.issues)}`);
      piece = { ...m.data, moduleUrl: null, source: 'bundled' };
    }
    store.setState({ piece, module, params: defaultParams(piece), problem: null });
  } catch {
    if (!piece) {
      store.setState({
        problem: `there is no piece '${id}' here. Bundled pieces are folders in installations/ (npm run new-piece -- ${id} makes one); uploaded ones are listed at /preview.`,
      });
      return;
    }
    store.setState({ piece, params: defaultParams(piece) }); // the host tries it too, reports and falls back
  }
}
