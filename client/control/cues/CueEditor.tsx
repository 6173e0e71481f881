import { useState } from 'react';
import type { Cue } from '../../../protocol';
import { NO_PRESETS, toast, useControl } from '../store';
import { send } from '../link';
import { slug } from '../format';
import { Toggle } from '../ui';
import { BUILDER_TYPES, defaultCommand, type RawCommand } from './commands';

/**
 * Builds a cue as a list of commands: a form per command for the common ones, a JSON field for
 * the rest, or the whole list as raw JSON for power users. The server validates on save.
 */
export function CueEditor({ cue, index, onDone }: { cue?: Cue; index?: number; onDone: () => void }) {
  const show = useControl((s) => s.show)!;
  const pieces = useControl((s) => s.pieces);
  const [name, setName] = useState(cue?.name ?? '');
  const [commands, setCommands] = useState<RawCommand[]>(() => structuredClone(cue?.commands ?? []));
  const [rawMode, setRawMode] = useState(false);
  const [raw, setRaw] = useState('');
  const [rawError, setRawError] = useState<string | null>(null);
  const screens = show.screens.filter((s) => s.known).map((s) => s.id);
  const cueId = cue?.id ?? uniqueId(slug(name, 'cue'), show.cues.map((q) => q.id));

  const update = (i: number, c: RawCommand) => setCommands((list) => list.map((x, j) => (j === i ? c : x)));
  const parseRaw = (): RawCommand[] | null => {
    try {
      const v: unknown = JSON.parse(raw);
      if (!Array.isArray(v) || !v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) throw new Error('it must be an array of command objects, e.g. [{"type":"show.blackout","on":true}]');
      setRawError(null);
      return v as RawCommand[];
    } catch (e) {
      setRawError(`The JSON is not valid: ${(e as Error).message}`);
      return null;
    }
  };

  const save = () => {
    const list = rawMode ? parseRaw() : commands;
    if (!list) return;
    if (!name.trim()) return toast('error', 'Cue: name it', 'Give the cue a name, e.g. "Sunset".');
    void send({ type: 'cue.save', cueId, name: name.trim(), commands: list, ...(index !== undefined ? { index } : {}) }, `Save cue ${name.trim()}`).then((ok) => ok && onDone());
  };

  return (
    <div className="cue-editor" data-testid="cue-editor">
      <div className="row wrap">
        <label className="field grow">
          <span>Cue name</span>
          <input autoFocus value={name} maxLength={80} onChange={(e) => setName(e.target.value)} data-testid="cue-name" />
        </label>
        <span className="muted small mono">id {cueId}</span>
        <Toggle
          checked={rawMode}
          label="Raw JSON"
          testId="cue-raw-toggle"
          onChange={(on) => {
            if (on) {
              setRaw(JSON.stringify(commands, null, 2));
              setRawMode(true);
            } else {
              const list = parseRaw();
              if (!list) return;
              setCommands(list);
              setRawMode(false);
            }
          }}
        />
      </div>
      {rawMode ? (
        <>
          <textarea className="json" rows={Math.min(20, Math.max(6, raw.split('\n').length + 1))} spellCheck={false} value={raw} onChange={(e) => setRaw(e.target.value)} aria-label="Commands as JSON" data-testid="cue-raw" />
          {rawError && <p className="form-error" role="alert">{rawError}</p>}
        </>
      ) : (
        <ol className="cmd-list">
          {commands.map((c, i) => (
            <li key={i} className="cmd">
              <select
                value={BUILDER_TYPES.some((t) => t.type === c.type) ? String(c.type) : 'other'}
                onChange={(e) => update(i, e.target.value === 'other' ? { type: '' } : defaultCommand(e.target.value, show.walls, pieces, screens))}
                aria-label={`Command ${i + 1} type`}
                data-testid={`cmd-type-${i}`}
              >
                {BUILDER_TYPES.map((t) => (
                  <option key={t.type} value={t.type}>
                    {t.label}
                  </option>
                ))}
                <option value="other">Other (JSON)</option>
              </select>
              <CommandFields command={c} onChange={(next) => update(i, next)} screens={screens} index={i} />
              <button type="button" className="ghost" aria-label={`Remove command ${i + 1}`} onClick={() => setCommands((l) => l.filter((_, j) => j !== i))}>
                Remove
              </button>
            </li>
          ))}
        </ol>
      )}
      <div className="row wrap">
        {!rawMode && (
          <button type="button" onClick={() => setCommands((l) => [...l, defaultCommand('wall.play', show.walls, pieces, screens)])} data-testid="cmd-add">
            Add command
          </button>
        )}
        <span className="grow" />
        <button type="button" className="ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={save} data-testid="cue-save">
          Save cue
        </button>
      </div>
    </div>
  );
}

function uniqueId(base: string, taken: string[]): string {
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) if (!taken.includes(`${base}-${n}`)) return `${base}-${n}`.slice(0, 64);
}

function CommandFields({ command: c, onChange, screens, index }: { command: RawCommand; onChange: (c: RawCommand) => void; screens: string[]; index: number }) {
  const walls = useControl((s) => s.show?.walls)!;
  const pieces = useControl((s) => s.pieces);
  const allPresets = useControl((s) => s.show?.presets ?? NO_PRESETS);
  const set = (patch: RawCommand) => onChange({ ...c, ...patch });
  const wallSelect = (
    <select value={String(c.wallId ?? '')} onChange={(e) => set({ wallId: e.target.value })} aria-label="Wall" data-testid={`cmd-wall-${index}`}>
      {walls.map((w) => (
        <option key={w.id} value={w.id}>
          {w.name}
        </option>
      ))}
    </select>
  );
  switch (c.type) {
    case 'wall.play': {
      const presets = Object.keys(allPresets[String(c.installationId)] ?? {});
      return (
        <div className="cmd-fields">
          {wallSelect}
          <select
            value={String(c.installationId ?? '')}
            onChange={(e) => {
              const next: RawCommand = { ...c, installationId: e.target.value };
              delete next.preset;
              onChange(next);
            }}
            aria-label="Piece"
            data-testid={`cmd-piece-${index}`}
          >
            {pieces.map((p) => (
              <option key={p.id} value={p.id}>
                {p.title}
              </option>
            ))}
          </select>
          <select
            value={String(c.preset ?? '')}
            onChange={(e) => {
              const next: RawCommand = { ...c, preset: e.target.value };
              if (!e.target.value) delete next.preset;
              onChange(next);
            }}
            aria-label="Preset"
          >
            <option value="">default params</option>
            {presets.map((p) => (
              <option key={p} value={p}>
                preset {p}
              </option>
            ))}
          </select>
        </div>
      );
    }
    case 'wall.stop':
    case 'wall.pause':
    case 'wall.resume':
      return <div className="cmd-fields">{wallSelect}</div>;
    case 'wall.params':
      return (
        <div className="cmd-fields">
          {wallSelect}
          <JsonField value={c.params ?? {}} onChange={(params) => set({ params })} label="Params as JSON" />
        </div>
      );
    case 'show.blackout':
      return (
        <div className="cmd-fields">
          <Toggle checked={c.on === true} onChange={(on) => set({ on })} label={c.on ? 'on' : 'off'} />
        </div>
      );
    case 'screen.blackout':
      return (
        <div className="cmd-fields">
          <select value={String(c.screenId ?? '')} onChange={(e) => set({ screenId: e.target.value })} aria-label="Screen" data-testid={`cmd-screen-${index}`}>
            {screens.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <Toggle checked={c.on === true} onChange={(on) => set({ on })} label={c.on ? 'black' : 'unblack'} />
        </div>
      );
    case 'show.volume':
      return (
        <div className="cmd-fields">
          <input type="range" min={0} max={1} step={0.01} value={Number(c.volume ?? 0.8)} onChange={(e) => set({ volume: Number(e.target.value) })} aria-label="Volume" />
          <span className="num">{Math.round(Number(c.volume ?? 0.8) * 100)}%</span>
        </div>
      );
    case 'wall.visitors':
      return (
        <div className="cmd-fields">
          {wallSelect}
          <Toggle checked={c.input !== false} onChange={(input) => set({ input })} label="input" />
          <Toggle checked={c.showQr === true} onChange={(showQr) => set({ showQr })} label="QR" />
        </div>
      );
    default:
      return (
        <div className="cmd-fields">
          <JsonField value={c} onChange={(v) => onChange(v as RawCommand)} label="Command as JSON" />
        </div>
      );
  }
}

/** A one-line JSON editor that reports bad JSON instead of losing it. */
function JsonField({ value, onChange, label }: { value: unknown; onChange: (v: Record<string, unknown>) => void; label: string }) {
  const [text, setText] = useState(() => JSON.stringify(value));
  const [bad, setBad] = useState(false);
  return (
    <input
      className={`json-line${bad ? ' invalid' : ''}`}
      value={text}
      spellCheck={false}
      aria-label={label}
      aria-invalid={bad}
      title={bad ? 'Not valid JSON yet: the last valid value is kept' : label}
      onChange={(e) => {
        setText(e.target.value);
        try {
          const v: unknown = JSON.parse(e.target.value);
          if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error();
          setBad(false);
          onChange(v as Record<string, unknown>);
        } catch {
          setBad(true);
        }
      }}
    />
  );
}
