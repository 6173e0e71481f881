import { useCallback, useEffect, useState } from 'react';
import type { PieceVersions } from '../../../protocol';
import { toast, toastError, useControl } from '../store';
import { call } from '../rest';
import { ConfirmButton, Empty, Section } from '../ui';

const when = (t: number) => new Date(t).toLocaleString([], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const kb = (n: number) => `${Math.max(1, Math.round(n / 1024))} KB`;

/** Uploaded pieces' kept versions: which one the next play starts, which walls play which, and rolling back (or forward). */
export function PieceVersionsList() {
  const [pieces, setPieces] = useState<PieceVersions[] | null>(null);
  const walls = useControl((s) => s.show?.walls ?? []);
  const showVersion = useControl((s) => s.show?.version ?? 0);
  const reload = useCallback(async () => {
    const res = await call<{ pieces: PieceVersions[] }>('GET', '/api/pieces');
    if (res.ok) setPieces(res.pieces);
    else toastError('Piece versions could not be listed', res.error);
  }, []);
  // The show's version moves with every upload and rollback: list again then.
  useEffect(() => void reload(), [reload, showVersion]);
  const rollback = async (id: string, version: string, live: boolean) => {
    const res = await call<{ active: string; previous: string | null }>('POST', `/api/pieces/${encodeURIComponent(id)}/rollback`, { version, live });
    if (!res.ok) return toastError(`'${id}' stays as it was`, res.error);
    toast('ok', `'${id}' ${version} is the active version`, live ? 'The walls playing it switched to it.' : 'The next play of it starts this version; walls playing it keep theirs until then.');
    void reload();
  };
  return (
    <Section title="Uploaded pieces' versions" testId="piece-versions">
      {pieces === null ? null : pieces.length === 0 ? (
        <Empty>No piece was uploaded yet. Bundled pieces (in installations/) have no versions to roll back.</Empty>
      ) : (
        pieces.map((p) => {
          const playing = walls.filter((w) => w.installationId === p.id);
          return (
            <div key={p.id} className="card" data-testid={`versions-${p.id}`}>
              <div className="row wrap">
                <strong>{p.id}</strong>
                <span className="muted">{p.owner ? `by ${p.owner}` : 'technicians only'}</span>
                <span className="muted">next play starts {p.active}</span>
              </div>
              <ul className="versions">
                {[...p.versions].reverse().map((v) => {
                  const on = playing.filter((w) => (w.version ?? p.active) === v.version);
                  return (
                    <li key={v.version} className="row wrap" data-testid={`version-${p.id}-${v.version}`}>
                      <strong>{v.version}</strong>
                      {v.active && <span className="badge">active</span>}
                      <span className="muted">
                        {when(v.uploadedAt)} · {v.artist ?? v.uploadedBy} · {kb(v.bytes)}
                      </span>
                      {on.length > 0 && <span>playing on {on.map((w) => w.name).join(', ')}</span>}
                      {!v.active && (
                        <>
                          <button type="button" onClick={() => void rollback(p.id, v.version, false)} data-testid={`make-active-${p.id}-${v.version}`}>
                            Make active
                          </button>
                          {playing.length > 0 && (
                            <ConfirmButton onConfirm={() => void rollback(p.id, v.version, true)} confirm={`Press again: switch ${playing.length} wall(s) now`} testId={`make-live-${p.id}-${v.version}`}>
                              Make active and switch now
                            </ConfirmButton>
                          )}
                        </>
                      )}
                    </li>
                  );
                })}
              </ul>
            </div>
          );
        })
      )}
    </Section>
  );
}
