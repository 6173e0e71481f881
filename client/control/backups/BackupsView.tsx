import { useCallback, useEffect, useState } from 'react';
import type { RestorePoint, ShowChangePreview } from '../../../protocol';
import { toast, toastError } from '../store';
import { call } from '../rest';
import { ConfirmButton, Empty, Section } from '../ui';
import { DiffList } from './DiffList';
import { PieceVersionsList } from './PieceVersionsList';

const REASONS: Record<RestorePoint['reason'], string> = {
  hourly: 'hourly',
  'before-import': 'before an import',
  'before-restore': 'before a restore',
  manual: 'taken by hand',
};

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const when = (t: number) => `${new Date(t).toLocaleString([], { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })}`;

/** Export and import the show, restore points, and uploaded pieces' versions (issue 19: backups without curl). */
export function BackupsView() {
  return (
    <>
      <ExportImport />
      <RestorePoints />
      <PieceVersionsList />
    </>
  );
}

async function download(): Promise<void> {
  try {
    const res = await fetch('/api/show/export', { credentials: 'same-origin' });
    if (!res.ok) return toast('error', 'The export failed', `the server answered HTTP ${res.status}; sign in again if your session ended`);
    const blob = await res.blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `pavilion-show-${new Date().toISOString().slice(0, 16).replace(':', '')}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    toast('ok', 'The show was exported', `${a.download}: keep it somewhere safe; Import below brings it back.`);
  } catch {
    toast('error', 'The export failed', 'the server cannot be reached; check that it runs');
  }
}

function ExportImport() {
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [preview, setPreview] = useState<ShowChangePreview | null>(null);
  const [busy, setBusy] = useState(false);
  const choose = async (f: File | undefined) => {
    setPreview(null);
    setFile(null);
    if (!f) return;
    const text = await f.text();
    try {
      JSON.parse(text);
    } catch {
      return toast('error', `'${f.name}' is not a show export`, 'It is not JSON. Choose a file made by Export (pavilion-show-….json).');
    }
    setBusy(true);
    const res = await call<ShowChangePreview>('POST', '/api/show/import/preview', text);
    setBusy(false);
    if (!res.ok) return toastError(`'${f.name}' cannot be imported`, res.error);
    setFile({ name: f.name, text });
    setPreview(res);
  };
  const doImport = async () => {
    if (!file) return;
    setBusy(true);
    const res = await call<{ version: number; restorePoint?: string }>('POST', '/api/show/import', file.text);
    setBusy(false);
    if (!res.ok) return toastError('The import was refused; the show is unchanged', res.error);
    toast('ok', `Imported '${file.name}'`, 'The show before it is kept as a restore point (below).');
    setFile(null);
    setPreview(null);
    window.dispatchEvent(new Event('pavilion:restore-points'));
  };
  return (
    <Section title="Export and import" testId="backups-export-import">
      <div className="row wrap">
        <button type="button" className="primary" onClick={() => void download()} data-testid="export-show">
          Export the show
        </button>
        <label className="button">
          Import a show…
          <input type="file" accept="application/json,.json" hidden data-testid="import-file" onChange={(e) => void choose(e.target.files?.[0])} />
        </label>
        {busy && <span className="muted">Working…</span>}
      </div>
      <p className="muted">
        The export holds walls, screens (with their keys), cues, presets, the schedule and DMX. An import replaces all of it; the show it replaces is kept as a restore point first.
      </p>
      {preview && file && (
        <div className="card" data-testid="import-preview">
          <strong>Importing '{file.name}' would change:</strong>
          <DiffList preview={preview} />
          <div className="row">
            <ConfirmButton onConfirm={() => void doImport()} confirm="Press again: replace the show" testId="import-confirm">
              Import
            </ConfirmButton>
            <button type="button" onClick={() => { setFile(null); setPreview(null); }}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </Section>
  );
}

function RestorePoints() {
  const [points, setPoints] = useState<RestorePoint[] | null>(null);
  const [open, setOpen] = useState<{ id: string; preview: ShowChangePreview } | null>(null);
  const reload = useCallback(async () => {
    const res = await call<{ points: RestorePoint[] }>('GET', '/api/restore-points');
    if (res.ok) setPoints(res.points);
    else toastError('Restore points could not be listed', res.error);
  }, []);
  useEffect(() => {
    void reload();
    const on = () => void reload();
    window.addEventListener('pavilion:restore-points', on);
    return () => window.removeEventListener('pavilion:restore-points', on);
  }, [reload]);
  const take = async () => {
    const res = await call<{ point: RestorePoint }>('POST', '/api/restore-points');
    if (!res.ok) return toastError('No restore point was taken', res.error);
    toast('ok', 'Restore point taken', when(res.point.at));
    void reload();
  };
  const show = async (id: string) => {
    if (open?.id === id) return setOpen(null);
    const res = await call<ShowChangePreview>('GET', `/api/restore-points/${encodeURIComponent(id)}/preview`);
    if (!res.ok) return toastError('This restore point cannot be read', res.error);
    setOpen({ id, preview: res });
  };
  const restore = async (p: RestorePoint) => {
    const res = await call<{ version: number }>('POST', `/api/restore-points/${encodeURIComponent(p.id)}/restore`);
    if (!res.ok) return toastError('The restore was refused; the show is unchanged', res.error);
    toast('ok', `Restored the show of ${when(p.at)}`, 'The show before it is kept as a new restore point.');
    setOpen(null);
    void reload();
  };
  return (
    <Section
      title="Restore points"
      testId="restore-points"
      actions={
        <button type="button" onClick={() => void take()} data-testid="take-restore-point">
          Take one now
        </button>
      }
    >
      <p className="muted">Taken every hour when the show changed, and before every import and restore; the newest 48 are kept. Times in {zone}.</p>
      {points === null ? null : points.length === 0 ? (
        <Empty>None yet: the first comes within the hour, or take one now.</Empty>
      ) : (
        <ul className="restore-points">
          {points.map((p) => (
            <li key={p.id} data-testid="restore-point">
              <div className="row wrap">
                <strong>{when(p.at)}</strong>
                <span className="muted">{REASONS[p.reason]}</span>
                <span className="muted">
                  v{p.summary.version} · {p.summary.walls} walls · {p.summary.screens} screens · {p.summary.cues} cues
                </span>
                <button type="button" onClick={() => void show(p.id)} data-testid="restore-preview">
                  {open?.id === p.id ? 'Hide' : 'What would change'}
                </button>
              </div>
              {open?.id === p.id && (
                <div className="card">
                  <DiffList preview={open.preview} />
                  {!open.preview.diff.same && (
                    <ConfirmButton onConfirm={() => void restore(p)} confirm="Press again: replace the show" testId="restore-confirm">
                      Restore this show
                    </ConfirmButton>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
