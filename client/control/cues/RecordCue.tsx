import { useState } from 'react';
import { useControl } from '../store';
import { send } from '../link';
import { slug } from '../format';

/**
 * "Record cue": the current state of the chosen walls (piece, params, transition, pause, their
 * screens' blackout, the master blackout) becomes a new cue at the end of the list. The server
 * builds it from the show itself (cue.record), so what is recorded is what plays.
 */
export function RecordCue({ onDone }: { onDone: () => void }) {
  const show = useControl((s) => s.show)!;
  const [name, setName] = useState('');
  const [wallIds, setWallIds] = useState<string[]>(() => show.walls.map((w) => w.id));
  const taken = show.cues.map((q) => q.id);
  const base = slug(name, 'recorded');
  let cueId = base;
  for (let n = 2; taken.includes(cueId); n++) cueId = `${base}-${n}`.slice(0, 64);
  const toggle = (id: string, on: boolean) => setWallIds((l) => (on ? [...l, id] : l.filter((x) => x !== id)));
  const record = () => {
    if (!wallIds.length) return;
    const label = name.trim() || `Recorded ${new Date().toLocaleTimeString()}`;
    void send({ type: 'cue.record', cueId, name: label, wallIds }, `Record cue ${label}`).then((ok) => ok && onDone());
  };
  return (
    <div className="cue-editor" data-testid="cue-record-form">
      <div className="row wrap">
        <label className="field grow">
          <span>Cue name</span>
          <input autoFocus value={name} maxLength={80} placeholder="e.g. Sunset" onChange={(e) => setName(e.target.value)} data-testid="record-name" />
        </label>
      </div>
      <fieldset className="row wrap">
        <legend className="small muted">Record these walls as they play now</legend>
        {show.walls.map((w) => (
          <label key={w.id} className="toggle">
            <input type="checkbox" checked={wallIds.includes(w.id)} onChange={(e) => toggle(w.id, e.target.checked)} data-testid={`record-wall-${w.id}`} />
            <span>
              {w.name} <span className="muted small">({w.installationId ?? 'nothing'})</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="row wrap">
        <span className="grow muted small">The master blackout is recorded too.</span>
        <button type="button" className="ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={!wallIds.length} onClick={record} data-testid="record-save">
          Record
        </button>
      </div>
    </div>
  );
}
