import { useState } from 'react';
import { DMX_PORTS, DMX_PROTOCOLS, DMX_UNIVERSES, type DmxOutput, type DmxProtocol } from '../../../protocol';
import { send } from '../link';

const LABEL: Record<DmxProtocol, string> = { artnet: 'Art-Net', sacn: 'sACN (E1.31)' };

/**
 * Adds a DMX output, or changes one (`dmx.output`; the same id changes it). The server validates:
 * a refusal (a host that is not an address or a name, a universe out of the protocol's range, …)
 * comes back as a toast with its reason, and the form keeps what was typed.
 */
export function OutputForm({ editing, taken, onDone }: { editing?: DmxOutput; taken: string[]; onDone?: () => void }) {
  const prefix = editing ? `dmx-edit-${editing.id}` : 'dmx-add';
  const [id, setId] = useState(editing?.id ?? '');
  const [protocol, setProtocol] = useState<DmxProtocol>(editing?.protocol ?? 'artnet');
  const [host, setHost] = useState(editing?.host ?? '');
  const [universe, setUniverse] = useState(String(editing?.universe ?? DMX_UNIVERSES.artnet.min));
  const [port, setPort] = useState(editing?.port !== undefined ? String(editing.port) : '');
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const range = DMX_UNIVERSES[protocol];

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    // Only what the server cannot say better: empty fields. Everything else is its to judge.
    if (!id.trim()) return setProblem('Give the output an id (e.g. house, lasers).');
    if (!editing && taken.includes(id.trim())) return setProblem(`There is an output '${id.trim()}' already: edit it in its card, or pick another id.`);
    if (!host.trim()) return setProblem('Give the node\'s address (e.g. 10.0.0.20) or host name.');
    if (universe.trim() === '' || !Number.isFinite(Number(universe))) return setProblem(`Give a universe number (${LABEL[protocol]}: ${range.min}..${range.max}).`);
    if (port.trim() !== '' && !Number.isFinite(Number(port))) return setProblem(`The port is a number (default ${DMX_PORTS[protocol]}); leave it empty for the default.`);
    setProblem('');
    setBusy(true);
    const ok = await send(
      { type: 'dmx.output', id: id.trim(), protocol, host: host.trim(), universe: Number(universe), ...(port.trim() !== '' ? { port: Number(port) } : {}) },
      editing ? `DMX output ${editing.id}` : `Add DMX output ${id.trim()}`,
    );
    setBusy(false);
    if (!ok) return;
    if (!editing) {
      setId('');
      setHost('');
    }
    onDone?.();
  };

  return (
    <form className="dmx-form row wrap" onSubmit={(e) => void submit(e)} data-testid={`${prefix}-form`}>
      <label className="field narrow">
        <span>Id</span>
        <input value={id} onChange={(e) => setId(e.target.value)} disabled={!!editing} placeholder="house" data-testid={`${prefix}-id`} autoComplete="off" />
      </label>
      <label className="field">
        <span>Protocol</span>
        <select value={protocol} onChange={(e) => setProtocol(e.target.value as DmxProtocol)} data-testid={`${prefix}-protocol`}>
          {DMX_PROTOCOLS.map((p) => <option key={p} value={p}>{LABEL[p]}</option>)}
        </select>
      </label>
      <label className="field grow">
        <span>Node address</span>
        <input value={host} onChange={(e) => setHost(e.target.value)} placeholder="10.0.0.20" data-testid={`${prefix}-host`} autoComplete="off" inputMode="url" />
      </label>
      <label className="field narrow">
        <span>Universe ({range.min}..{range.max})</span>
        <input type="number" inputMode="numeric" value={universe} onChange={(e) => setUniverse(e.target.value)} data-testid={`${prefix}-universe`} />
      </label>
      <label className="field narrow">
        <span>Port</span>
        <input type="number" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} placeholder={String(DMX_PORTS[protocol])} data-testid={`${prefix}-port`} />
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={busy} data-testid={`${prefix}-submit`}>{editing ? 'Save' : 'Add output'}</button>
        {editing && <button type="button" className="ghost" onClick={onDone}>Cancel</button>}
      </div>
      {problem && <p className="form-error" role="alert" style={{ flexBasis: '100%' }}>{problem}</p>}
    </form>
  );
}
