import { useState } from 'react';
import type { Cue } from '../../../protocol';
import { useControl } from '../store';
import { send } from '../link';
import { ConfirmButton, Empty, Section } from '../ui';
import { CueEditor } from './CueEditor';
import { describe } from './commands';

/** The cue list: GO fires the standing-by cue; next/back move the standby; each cue is editable. */
export function CuesView() {
  const show = useControl((s) => s.show)!;
  const pieces = useControl((s) => s.pieces);
  const [editing, setEditing] = useState<Cue | 'new' | null>(null);
  const { cues, cueStandby, cuePosition } = show;
  const standby = cues[cueStandby];
  return (
    <>
      <Section title="Cue list" testId="cue-transport">
        <div className="transport">
          <button type="button" className="go" disabled={!standby} onClick={() => void send({ type: 'cue.go' }, 'GO')} data-testid="cue-go">
            <span>GO</span>
            <small>{standby ? `${cueStandby + 1} · ${standby.name}` : cues.length ? 'end of the list' : 'no cues'}</small>
          </button>
          <div className="stack">
            <button type="button" onClick={() => void send({ type: 'cue.back' }, 'Back')} disabled={cueStandby <= 0} data-testid="cue-back">
              ◀ Back
            </button>
            <button type="button" onClick={() => void send({ type: 'cue.next' }, 'Next')} disabled={cueStandby >= cues.length - 1} data-testid="cue-next">
              Next ▶
            </button>
          </div>
          <p className="muted small">
            Last fired: <b data-testid="cue-last">{cuePosition >= 0 && cues[cuePosition] ? `${cuePosition + 1} · ${cues[cuePosition]!.name}` : 'none'}</b>
          </p>
        </div>
      </Section>
      <Section
        title={`Cues (${cues.length})`}
        actions={
          <button type="button" className="primary" onClick={() => setEditing('new')} data-testid="cue-new">
            New cue
          </button>
        }
      >
        {editing === 'new' && <CueEditor onDone={() => setEditing(null)} />}
        {cues.length === 0 && editing !== 'new' && <Empty>No cues yet. A cue is a set of commands run together, e.g. wall A plays X while wall B blacks out.</Empty>}
        <ol className="cue-list">
          {cues.map((q, i) => {
            const cls = [i === cueStandby ? 'standby' : '', i === cuePosition ? 'fired' : ''].join(' ');
            if (editing !== 'new' && editing?.id === q.id)
              return (
                <li key={q.id} className={cls}>
                  <CueEditor cue={q} index={i} onDone={() => setEditing(null)} />
                </li>
              );
            return (
              <li key={q.id} className={cls} data-testid={`cue-${q.id}`} data-standby={i === cueStandby} data-fired={i === cuePosition}>
                <span className="cue-num">{i + 1}</span>
                <div className="cue-body">
                  <strong>{q.name}</strong>
                  {i === cueStandby && <span className="badge warn">standby</span>}
                  {i === cuePosition && <span className="badge ok">last fired</span>}
                  <span className="muted small">{q.commands.map((c) => describe(c, pieces)).join(' · ') || 'no commands'}</span>
                </div>
                <div className="row actions">
                  <button type="button" onClick={() => void send({ type: 'cue.go', cueId: q.id }, `GO ${q.name}`)} data-testid={`cue-go-${q.id}`}>
                    GO this
                  </button>
                  <button type="button" onClick={() => setEditing(q)} data-testid={`cue-edit-${q.id}`}>
                    Edit
                  </button>
                  <button type="button" className="ghost" aria-label={`Move ${q.name} up`} disabled={i === 0} onClick={() => void send({ type: 'cue.save', cueId: q.id, name: q.name, commands: q.commands, index: i - 1 }, 'Move cue')}>
                    ↑
                  </button>
                  <button type="button" className="ghost" aria-label={`Move ${q.name} down`} disabled={i === cues.length - 1} onClick={() => void send({ type: 'cue.save', cueId: q.id, name: q.name, commands: q.commands, index: i + 1 }, 'Move cue')}>
                    ↓
                  </button>
                  <ConfirmButton onConfirm={() => void send({ type: 'cue.delete', cueId: q.id }, `Delete ${q.name}`)}>Delete</ConfirmButton>
                </div>
              </li>
            );
          })}
        </ol>
      </Section>
    </>
  );
}
