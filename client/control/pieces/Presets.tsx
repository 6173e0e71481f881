import { useState } from 'react';
import type { PieceSummary, WallStatus } from '../../../protocol';
import { NO_PRESETS, useControl } from '../store';
import { send } from '../link';
import { slug } from '../format';
import { ConfirmButton } from '../ui';

/** Named sets of params per piece: save the wall's current params, apply, play with, delete. */
export function Presets({ wall, piece }: { wall: WallStatus; piece: PieceSummary }) {
  const presets = useControl((s) => s.show?.presets[piece.id] ?? NO_PRESETS);
  const [name, setName] = useState('');
  const id = slug(name, '');
  return (
    <div className="presets" data-testid="presets">
      <h3>Presets of {piece.title}</h3>
      {Object.keys(presets).length === 0 && <p className="muted small">No presets yet: tune the params, then save them under a name.</p>}
      <ul className="preset-list">
        {Object.entries(presets).map(([p, params]) => (
          <li key={p} data-testid={`preset-${p}`}>
            <span className="mono">{p}</span>
            <span className="muted small grow">{Object.entries(params).map(([k, v]) => `${k}=${String(v)}`).join(' · ')}</span>
            <button type="button" title="Apply these params live, without restarting the piece" onClick={() => void send({ type: 'wall.params', wallId: wall.id, params }, `Apply preset ${p}`)} data-testid={`preset-apply-${p}`}>
              Apply
            </button>
            <button type="button" title="Restart the piece with this preset" onClick={() => void send({ type: 'wall.play', wallId: wall.id, installationId: piece.id, preset: p }, `Play preset ${p}`)}>
              Play
            </button>
            <ConfirmButton onConfirm={() => void send({ type: 'preset.delete', installationId: piece.id, name: p }, `Delete preset ${p}`)}>Delete</ConfirmButton>
          </li>
        ))}
      </ul>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!id) return;
          void send({ type: 'preset.save', installationId: piece.id, name: id, params: wall.params }, `Save preset ${id}`).then((ok) => ok && setName(''));
        }}
      >
        <input placeholder="preset name, e.g. calm-evening" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} aria-label="Preset name" data-testid="preset-name" />
        <button type="submit" disabled={!id} data-testid="preset-save">
          {presets[id] ? 'Overwrite preset' : 'Save current params'}
        </button>
      </form>
    </div>
  );
}
