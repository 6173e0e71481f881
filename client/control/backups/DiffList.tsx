import type { PartDiff, ShowChangePreview } from '../../../protocol';

const PARTS: Array<[keyof Pick<ShowChangePreview['diff'], 'walls' | 'screens' | 'cues' | 'pieces' | 'presets'>, string]> = [
  ['walls', 'Walls'],
  ['screens', 'Screens'],
  ['cues', 'Cues'],
  ['pieces', 'Uploaded pieces'],
  ['presets', 'Presets'],
];

function Part({ label, part }: { label: string; part: PartDiff }) {
  if (!part.added.length && !part.removed.length && !part.changed.length) return null;
  return (
    <li data-testid={`diff-${label.toLowerCase().replace(/\s+/g, '-')}`}>
      <strong>{label}</strong>
      {part.added.length > 0 && <span className="diff-added"> added: {part.added.join(', ')}</span>}
      {part.removed.length > 0 && <span className="diff-removed"> removed: {part.removed.join(', ')}</span>}
      {part.changed.length > 0 && <span className="diff-changed"> changed: {part.changed.join(', ')}</span>}
    </li>
  );
}

/** What replacing the running show would change, part by part: shown before an import or a restore is confirmed. */
export function DiffList({ preview }: { preview: ShowChangePreview }) {
  const { diff, incoming, current } = preview;
  if (diff.same) return <p className="muted" data-testid="diff-same">Nothing would change: it is the show that runs now.</p>;
  return (
    <div className="diff" data-testid="diff">
      <p className="muted">
        Now: {current.walls} walls, {current.screens} screens, {current.cues} cues. After: {incoming.walls} walls, {incoming.screens} screens, {incoming.cues} cues.
      </p>
      <ul>
        {PARTS.map(([key, label]) => (
          <Part key={key} label={label} part={diff[key]} />
        ))}
        {diff.settings.length > 0 && (
          <li data-testid="diff-settings">
            <strong>Settings</strong> <span className="diff-changed">changed: {diff.settings.join(', ')}</span>
          </li>
        )}
      </ul>
    </div>
  );
}
