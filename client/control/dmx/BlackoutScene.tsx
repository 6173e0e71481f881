import { useEffect, useState } from 'react';
import type { DmxView } from '../../../protocol';
import { send } from '../link';

interface Row {
  output: string;
  channel: string;
  value: string;
}

const rowsOf = (scene: Record<string, Record<string, number>> | null | undefined): Row[] =>
  Object.entries(scene ?? {}).flatMap(([output, chans]) =>
    Object.entries(chans)
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map(([channel, value]) => ({ output, channel, value: String(value) })),
  );

/**
 * The blackout scene (`dmx.blackout`): the channels that fade to their values while the show is
 * blacked out (the house lights), over a fade time. Edited as rows (output, channel, value), or
 * captured from an output's levels now; bound, or unbound. The server checks the values.
 */
export function BlackoutScene({ dmx }: { dmx: DmxView }) {
  const outputs = Object.keys(dmx.outputs).sort();
  const bound = dmx.blackout;
  const [rows, setRows] = useState<Row[]>(() => rowsOf(bound?.scene));
  const [fadeMs, setFadeMs] = useState(String(bound?.fadeMs ?? 0));
  const [dirty, setDirty] = useState(false);
  const [problem, setProblem] = useState('');
  const boundKey = JSON.stringify(bound);
  // What the show holds, until the technician edits it.
  useEffect(() => {
    if (dirty) return;
    setRows(rowsOf(bound?.scene));
    setFadeMs(String(bound?.fadeMs ?? 0));
  }, [boundKey]); // only when the show's binding changes

  const edit = (next: Row[]) => {
    setRows(next);
    setDirty(true);
  };
  const capture = (output: string) => {
    const held = dmx.values[output] ?? {};
    edit([...rows.filter((r) => r.output !== output), ...Object.entries(held).map(([channel, value]) => ({ output, channel, value: String(value) }))]);
  };
  const bind = async () => {
    const scene: Record<string, Record<string, number>> = {};
    for (const r of rows) {
      if (!r.output || r.channel.trim() === '' || r.value.trim() === '') return setProblem('Every row needs an output, a channel (1..512) and a value (0..255); remove the rows you do not need.');
      (scene[r.output] ??= {})[r.channel.trim()] = Number(r.value);
    }
    if (!rows.length) return setProblem('Add at least one channel, or capture an output\'s levels; to bind nothing, unbind.');
    setProblem('');
    if (await send({ type: 'dmx.blackout', scene, fadeMs: Number(fadeMs) || 0 }, 'Blackout scene')) setDirty(false);
  };
  const unbind = async () => {
    if (await send({ type: 'dmx.blackout', scene: null }, 'Unbind the blackout scene')) setDirty(false);
  };

  if (!outputs.length) return <p className="empty">Add an output first: the blackout scene sets its channels.</p>;
  return (
    <div className="stack" data-testid="dmx-blackout">
      <p className="muted small" data-testid="dmx-blackout-state">
        {bound ? `Bound: a blackout fades ${rowsOf(bound.scene).length} channel(s) to the scene over ${bound.fadeMs} ms, and back when it ends.` : 'Not bound: a blackout leaves the DMX outputs as they are.'}
        {dirty ? ' (edited, not saved yet)' : ''}
      </p>
      {rows.map((r, i) => (
        <div key={i} className="row wrap">
          <select aria-label="Output" data-testid={`dmx-blackout-output-${i}`} value={r.output} onChange={(e) => edit(rows.map((x, k) => (k === i ? { ...x, output: e.target.value } : x)))}>
            {outputs.map((o) => <option key={o} value={o}>{o}</option>)}
          </select>
          <input type="number" aria-label="Channel" data-testid={`dmx-blackout-channel-${i}`} min={1} max={512} value={r.channel} placeholder="channel" onChange={(e) => edit(rows.map((x, k) => (k === i ? { ...x, channel: e.target.value } : x)))} />
          <input type="number" aria-label="Value" data-testid={`dmx-blackout-value-${i}`} min={0} max={255} value={r.value} placeholder="value" onChange={(e) => edit(rows.map((x, k) => (k === i ? { ...x, value: e.target.value } : x)))} />
          <button type="button" className="ghost" aria-label="Remove this channel" onClick={() => edit(rows.filter((_, k) => k !== i))}>×</button>
        </div>
      ))}
      <div className="row wrap">
        <button type="button" onClick={() => edit([...rows, { output: outputs[0]!, channel: '', value: '255' }])} data-testid="dmx-blackout-add">Add a channel</button>
        {outputs.map((o) => (
          <button key={o} type="button" onClick={() => capture(o)} disabled={!Object.keys(dmx.values[o] ?? {}).length}>Capture {o}'s levels</button>
        ))}
        <label className="row">
          <span className="small muted">fade (ms)</span>
          <input type="number" min={0} step={100} value={fadeMs} onChange={(e) => { setFadeMs(e.target.value); setDirty(true); }} aria-label="Blackout fade time (ms)" data-testid="dmx-blackout-fade" />
        </label>
      </div>
      <div className="row wrap">
        <button type="button" className="primary" onClick={() => void bind()} data-testid="dmx-blackout-bind">Bind to blackout</button>
        <button type="button" disabled={!bound} onClick={() => void unbind()} data-testid="dmx-blackout-unbind">Unbind</button>
      </div>
      {problem && <p className="form-error" role="alert">{problem}</p>}
    </div>
  );
}
