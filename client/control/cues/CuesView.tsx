import { useState } from 'react';
import type { Cue } from '../../../protocol';
import { useControl } from '../store';
import { send } from '../link';
import { ConfirmButton, Empty, Section } from '../ui';
import { CueEditor } from './CueEditor';
import { CueTransport } from './CueTransport';
import { RecordCue } from './RecordCue';
import { describe } from './commands';
import { cueLabel, cueTiming } from './labels';
import './cues.css';

/**
 * The cue list, as a QLab operator reads it: GO fires the cue on standby (the playhead ▶), ↑/↓ move
 * the standby, Esc stops running waits; each cue shows its number, waits, continue, notes, and a
 * warning when it would not run as saved. Cues are edited, recorded from the walls, or reordered here.
 */
export function CuesView() {
  const show = useControl((s) => s.show)!;
  const pieces = useControl((s) => s.pieces);
  const [editing, setEditing] = useState<Cue | 'new' | 'record' | null>(null);
  const { cues, cueStandby, cuePosition } = show;
  const problems = show.cueProblems ?? {};
  const waiting = new Set((show.cueWaits ?? []).map((w) => w.cueId));
  /** cue.save replaces the whole cue: a move keeps its settings. */
  const move = (q: Cue, index: number) => void send({ type: 'cue.save', cueId: q.id, name: q.name, commands: q.commands, number: q.number, preWaitMs: q.preWaitMs, postWaitMs: q.postWaitMs, continue: q.continue, notes: q.notes, index }, 'Move cue');
  return (
    <>
      <Section title="Cue list" testId="cue-transport">
        <CueTransport show={show} />
      </Section>
      <Section
        title={`Cues (${cues.length})`}
        actions={
          <>
            <button type="button" onClick={() => setEditing('record')} data-testid="cue-record">
              Record cue
            </button>
            <button type="button" className="primary" onClick={() => setEditing('new')} data-testid="cue-new">
              New cue
            </button>
          </>
        }
      >
        {editing === 'new' && <CueEditor onDone={() => setEditing(null)} />}
        {editing === 'record' && <RecordCue onDone={() => setEditing(null)} />}
        {cues.length === 0 && editing !== 'new' && <Empty>No cues yet. A cue is a set of commands run together, e.g. wall A plays X while wall B blacks out. "Record cue" makes one from what the walls play now.</Empty>}
        <ol className="cue-list">
          {cues.map((q, i) => {
            const isStandby = i === cueStandby;
            const cls = [isStandby ? 'standby' : '', i === cuePosition ? 'fired' : '', problems[q.id] ? 'problem' : ''].join(' ');
            if (typeof editing === 'object' && editing?.id === q.id)
              return (
                <li key={q.id} className={cls}>
                  <CueEditor cue={q} index={i} onDone={() => setEditing(null)} />
                </li>
              );
            const timing = cueTiming(q);
            return (
              <li key={q.id} className={cls} data-testid={`cue-${q.id}`} data-standby={isStandby} data-fired={i === cuePosition} data-problem={problems[q.id] ? 'yes' : 'no'}>
                <span className="cue-playhead" aria-label={isStandby ? 'standby' : undefined}>{isStandby ? '▶' : ''}</span>
                <button type="button" className="cue-num ghost" title="Put this cue on standby" onClick={() => void send({ type: 'cue.standby', cueId: q.id }, `Standby ${q.name}`)} data-testid={`cue-standby-${q.id}`}>
                  {cueLabel(q, i)}
                </button>
                <div className="cue-body">
                  <strong>{q.name}</strong>
                  {isStandby && <span className="badge warn">standby</span>}
                  {i === cuePosition && <span className="badge ok">last fired</span>}
                  {waiting.has(q.id) && <span className="badge">waiting</span>}
                  {timing && <span className="badge" data-testid={`cue-timing-${q.id}`}>{timing}</span>}
                  <span className="muted small">{q.commands.map((c) => describe(c, pieces)).join(' · ') || 'no commands'}</span>
                  {q.notes && <span className="small cue-notes">{q.notes}</span>}
                  {problems[q.id] && (
                    <span className="form-error small" role="alert" data-testid={`cue-problem-${q.id}`}>
                      ⚠ {problems[q.id]}
                    </span>
                  )}
                </div>
                <div className="row actions">
                  <button type="button" onClick={() => void send({ type: 'cue.go', cueId: q.id }, `GO ${q.name}`)} data-testid={`cue-go-${q.id}`}>
                    GO this
                  </button>
                  <button type="button" onClick={() => setEditing(q)} data-testid={`cue-edit-${q.id}`}>
                    Edit
                  </button>
                  <button type="button" className="ghost" aria-label={`Move ${q.name} up`} disabled={i === 0} onClick={() => move(q, i - 1)}>
                    ↑
                  </button>
                  <button type="button" className="ghost" aria-label={`Move ${q.name} down`} disabled={i === cues.length - 1} onClick={() => move(q, i + 1)}>
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
