import { useEffect, useState } from 'react';
import type { WallStatus } from '../../../protocol';
import { useControl, useWall } from '../store';
import { send } from '../link';
import { slug } from '../format';
import { ConfirmButton, Empty, Section } from '../ui';
import { LayoutEditor } from './LayoutEditor';
import { WallAudio, WallQuality, WallTransition, WallVisitors } from './WallSettings';
import { WallPicker } from './WallPicker';

/** Create, rename and delete walls; lay out their screens; audio and visitor settings. */
export function WallsView() {
  const wall = useWall();
  return (
    <>
      <Section title="Walls" actions={<NewWall />}>
        <WallPicker />
      </Section>
      {wall ? <WallDetail key={wall.id} wall={wall} /> : <Empty>No wall yet. Create one to put screens in it.</Empty>}
    </>
  );
}

function WallDetail({ wall }: { wall: WallStatus }) {
  const [name, setName] = useState(wall.name);
  useEffect(() => setName(wall.name), [wall.name]);
  return (
    <>
      <Section
        title={<>Wall <span className="mono">{wall.id}</span></>}
        actions={
          <ConfirmButton testId="wall-delete" confirm={`Delete ${wall.name}? Its screens become unassigned`} onConfirm={() => void send({ type: 'wall.delete', wallId: wall.id }, `Delete ${wall.name}`)}>
            Delete wall
          </ConfirmButton>
        }
      >
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim() && name.trim() !== wall.name) void send({ type: 'wall.rename', wallId: wall.id, name: name.trim() }, 'Rename');
          }}
        >
          <label className="field grow">
            <span>Name</span>
            <input value={name} maxLength={80} onChange={(e) => setName(e.target.value)} data-testid="wall-name" />
          </label>
          <button type="submit" disabled={!name.trim() || name.trim() === wall.name}>
            Rename
          </button>
        </form>
      </Section>
      <Section title="Layout">
        <LayoutEditor wall={wall} />
      </Section>
      <div className="two-col">
        <Section title="Sound">
          <WallAudio wall={wall} />
        </Section>
        <Section title="Rendering quality">
          <WallQuality wall={wall} />
        </Section>
        <Section title="Transition">
          <WallTransition wall={wall} />
        </Section>
        <Section title="Visitors">
          <WallVisitors wall={wall} />
        </Section>
      </div>
    </>
  );
}

function NewWall() {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [idTouched, setIdTouched] = useState(false);
  const [width, setWidth] = useState(1920);
  const [height, setHeight] = useState(1080);
  if (!open)
    return (
      <button type="button" className="primary" onClick={() => setOpen(true)} data-testid="wall-new">
        New wall
      </button>
    );
  const wallId = idTouched ? id : slug(name, '');
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void send({ type: 'wall.create', wallId, name: name.trim(), width, height }, 'Create wall').then((ok) => {
          if (!ok) return;
          useControl.setState({ wallId });
          setOpen(false);
          setName('');
          setIdTouched(false);
        });
      }}
    >
      <label className="field">
        <span>Name</span>
        <input required autoFocus value={name} maxLength={80} onChange={(e) => setName(e.target.value)} data-testid="wall-new-name" />
      </label>
      <label className="field">
        <span>Id</span>
        <input required value={wallId} onChange={(e) => { setIdTouched(true); setId(e.target.value); }} data-testid="wall-new-id" />
      </label>
      <label className="field narrow">
        <span>Width px</span>
        <input type="number" min={1} value={width} onChange={(e) => setWidth(Number(e.target.value) || 1)} />
      </label>
      <label className="field narrow">
        <span>Height px</span>
        <input type="number" min={1} value={height} onChange={(e) => setHeight(Number(e.target.value) || 1)} />
      </label>
      <button type="submit" className="primary" disabled={!name.trim() || !wallId} data-testid="wall-new-create">
        Create
      </button>
      <button type="button" className="ghost" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}
