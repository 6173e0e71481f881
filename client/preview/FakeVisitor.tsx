import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { useStore } from 'zustand';
import type { InputSpec } from '../../protocol';
import { usePreview } from './context';
import { YOU } from './visitors';

const labelOf = (spec: InputSpec) => (typeof spec.label === 'string' ? spec.label : spec.label.en);

/**
 * A fake visitor made from the manifest's inputs (drag the pad for xy and tilt, press the buttons,
 * send a word), plus a crowd of bots: what useVisitors() gives the piece, without a phone.
 */
export function FakeVisitor() {
  const { store, visitors } = usePreview();
  const piece = useStore(store, (s) => s.piece);
  const [present, setPresent] = useState(true);
  const [crowd, setCrowd] = useState(0);
  const inputs = piece?.inputs ?? [];
  useEffect(() => visitors.setPresence(present, crowd, inputs), [visitors, present, crowd, inputs]);
  if (!piece) return null;
  return (
    <section className="panel" aria-label="Visitor">
      <header>
        <h2>Visitor</h2>
        <label className="inline">
          <input type="checkbox" checked={present} onChange={(e) => setPresent(e.target.checked)} /> you are here
        </label>
      </header>
      {!inputs.length && <p className="muted">This piece declares no visitor inputs; visitors still appear in useVisitors().</p>}
      {present && inputs.map((spec) => <InputControl key={spec.id} spec={spec} />)}
      <label className="field">
        <span>Crowd: {crowd} bot{crowd === 1 ? '' : 's'}</span>
        <input type="range" min={0} max={60} value={crowd} onChange={(e) => setCrowd(Number(e.target.value))} />
      </label>
    </section>
  );
}

function InputControl({ spec }: { spec: InputSpec }) {
  const { visitors } = usePreview();
  switch (spec.type) {
    case 'xy':
    case 'tilt':
      return <Pad spec={spec} />;
    case 'slider':
      return (
        <label className="field">
          <span>{labelOf(spec)}</span>
          <input type="range" min={spec.min} max={spec.max} step={(spec.max - spec.min) / 100} defaultValue={spec.min} onChange={(e) => visitors.setInput(YOU, spec.id, Number(e.target.value), false)} />
        </label>
      );
    case 'button':
      return (
        <button type="button" className="visitor-button" onClick={() => visitors.setInput(YOU, spec.id, true, true)}>
          {labelOf(spec)}
        </button>
      );
    case 'text':
      return <TextInput spec={spec} />;
  }
}

function Pad({ spec }: { spec: InputSpec }) {
  const { visitors } = usePreview();
  const [at, setAt] = useState<{ x: number; y: number } | null>(null);
  const dragging = useRef(false);
  const move = (e: PointerEvent<HTMLDivElement>) => {
    if (!dragging.current) return;
    const r = e.currentTarget.getBoundingClientRect();
    const clamp = (v: number) => Math.max(-1, Math.min(1, Math.round(v * 1e4) / 1e4));
    const p = { x: clamp(((e.clientX - r.left) / r.width) * 2 - 1), y: clamp(1 - ((e.clientY - r.top) / r.height) * 2) };
    setAt(p);
    visitors.setInput(YOU, spec.id, p, false);
  };
  return (
    <div className="field">
      <span>
        {labelOf(spec)} <small className="muted">({spec.type}: drag)</small>
      </span>
      <div
        className="pad"
        data-input={spec.id}
        onPointerDown={(e) => {
          dragging.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
          move(e);
        }}
        onPointerMove={move}
        onPointerUp={() => (dragging.current = false)}
      >
        {at && <i style={{ left: `${(at.x + 1) * 50}%`, top: `${(1 - at.y) * 50}%` }} />}
      </div>
    </div>
  );
}

function TextInput({ spec }: { spec: Extract<InputSpec, { type: 'text' }> }) {
  const { visitors } = usePreview();
  const [text, setText] = useState('');
  return (
    <form
      className="field"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) visitors.setInput(YOU, spec.id, text.trim().slice(0, spec.maxLength), true);
        setText('');
      }}
    >
      <span>{labelOf(spec)}</span>
      <span className="row">
        <input value={text} maxLength={spec.maxLength} onChange={(e) => setText(e.target.value)} placeholder="a word" />
        <button type="submit">Send</button>
      </span>
    </form>
  );
}
