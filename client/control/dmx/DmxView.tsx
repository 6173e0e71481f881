import { useState } from 'react';
import { emptyDmx, type DmxOutput, type DmxView as DmxMirror } from '../../../protocol';
import { useControl } from '../store';
import { send } from '../link';
import { ConfirmButton, Empty, Section } from '../ui';
import { OutputForm } from './OutputForm';
import { ChannelDesk } from './ChannelDesk';
import { BlackoutScene } from './BlackoutScene';
import './dmx.css';

const NO_DMX: DmxMirror = { ...emptyDmx(), stats: {} };
const PROTOCOL: Record<DmxOutput['protocol'], string> = { artnet: 'Art-Net', sacn: 'sACN' };

/**
 * The DMX view (docs/links.md, "DMX"): the show's Art-Net and sACN outputs (add, edit, remove),
 * each with its 512 channel levels and faders (`dmx.set`, with an optional fade time;
 * `dmx.release`) and the packets it sent, and the blackout scene. Every command goes through the
 * panel's socket like the others: a refusal comes back as a toast with the server's reason.
 */
export function DmxView() {
  const dmx = useControl((s) => s.show?.dmx) ?? NO_DMX;
  const outputs = Object.values(dmx.outputs).sort((a, b) => a.id.localeCompare(b.id));
  const [fadeMs, setFadeMs] = useState('');
  const fade = fadeMs.trim() === '' ? null : Math.max(0, Math.round(Number(fadeMs)) || 0);
  return (
    <>
      <Section
        title="DMX outputs"
        testId="dmx-outputs"
        actions={
          <label className="row">
            <span className="small muted">fade (ms)</span>
            <input type="number" min={0} step={100} value={fadeMs} placeholder="none" onChange={(e) => setFadeMs(e.target.value)} aria-label="Fade time of the faders (ms)" data-testid="dmx-fade-ms" style={{ width: '6em' }} />
          </label>
        }
      >
        {outputs.length === 0 && <Empty>No DMX outputs yet: add one below (Art-Net or sACN, to a node's address).</Empty>}
        {outputs.map((o) => (
          <OutputCard key={o.id} output={o} held={dmx.values[o.id] ?? {}} stats={dmx.stats[o.id]} fadeMs={fade} />
        ))}
      </Section>
      <Section title="Add an output" testId="dmx-add">
        <OutputForm taken={outputs.map((o) => o.id)} />
      </Section>
      <Section title="Blackout scene (house lights)" testId="dmx-blackout-section">
        <BlackoutScene dmx={dmx} />
      </Section>
    </>
  );
}

function OutputCard({ output, held, stats, fadeMs }: { output: DmxOutput; held: Record<string, number>; stats: { packets: number; errors: number } | undefined; fadeMs: number | null }) {
  const [editing, setEditing] = useState(false);
  const port = output.port ?? (output.protocol === 'artnet' ? 6454 : 5568);
  return (
    <article className="dmx-output" data-testid={`dmx-output-${output.id}`}>
      <header className="row wrap">
        <h3 className="grow">
          {output.id} <span className="muted small">{PROTOCOL[output.protocol]} universe {output.universe} → {output.host}:{port}</span>
        </h3>
        <span className="small muted" data-testid={`dmx-packets-${output.id}`} title="Packets sent since the server started (pavilion_dmx_packets_total)">
          {stats ? `${stats.packets} packets sent${stats.errors ? `, ${stats.errors} send errors` : ''}` : 'not sending yet'}
        </span>
        <button type="button" onClick={() => setEditing(!editing)} data-testid={`dmx-edit-${output.id}`} aria-expanded={editing}>
          {editing ? 'Close' : 'Edit'}
        </button>
        <ConfirmButton testId={`dmx-remove-${output.id}`} onConfirm={() => void send({ type: 'dmx.output.delete', output: output.id }, `Remove DMX output ${output.id}`)} confirm="Press again to remove">
          Remove
        </ConfirmButton>
      </header>
      {stats && stats.errors > 0 && <p className="warn small">Some packets could not be sent: check the node's address and the lighting network (the server's log says why).</p>}
      {editing && <OutputForm editing={output} taken={[]} onDone={() => setEditing(false)} />}
      <ChannelDesk output={output} held={held} fadeMs={fadeMs} />
    </article>
  );
}
