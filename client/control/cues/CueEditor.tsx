import { useState } from 'react';
import type { Cue } from '../../../protocol';
import { NO_PRESETS, toast, useControl } from '../store';
import { send } from '../link';
import { slug } from '../format';
import { Toggle } from '../ui';
import { TransitionPicker } from '../pieces/TransitionPicker';
import { BUILDER_TYPES, commandsOf, defaultCommand, isBuilderType, jsonRow, parseList, pieceBefore, rowOf, type BuilderCommand, type CueRow, type Parsed } from './commands';
import { CueParamsEditor } from './CueParamsEditor';
import { CueSettingsFields, settingsOf, settingsToSave } from './CueSettingsFields';

/**
 * Builds a cue as a list of commands: a form per command for the common ones, a JSON field for
 * the rest, or the whole list as raw JSON for power users. JSON is checked against the command
 * schema as it is typed; the server validates again on save.
 */
export function CueEditor({ cue, index, onDone }: { cue?: Cue; index?: number; onDone: () => void }) {
  const show = useControl((s) => s.show)!;
  const pieces = useControl((s) => s.pieces);
  const [name, setName] = useState(cue?.name ?? '');
  const [rows, setRows] = useState<CueRow[]>(() => (cue?.commands ?? []).map((c) => rowOf(structuredClone(c))));
  const [rawMode, setRawMode] = useState(false);
  const [raw, setRaw] = useState('');
  const [rawError, setRawError] = useState<string | null>(null);
  const [settings, setSettings] = useState(() => settingsOf(cue));
  const screens = show.screens.filter((s) => s.known).map((s) => s.id);
  const cueId = cue?.id ?? uniqueId(slug(name, 'cue'), show.cues.map((q) => q.id));

  const update = (i: number, row: CueRow) => setRows((list) => list.map((x, j) => (j === i ? row : x)));
  const parseRaw = () => {
    const list = parseList(raw);
    setRawError(list.ok ? null : `The commands are not valid: ${list.problem}. Write an array of commands, e.g. [{"type":"show.blackout","on":true}].`);
    return list;
  };

  const save = () => {
    const list = rawMode ? parseRaw() : commandsOf(rows);
    if (!list.ok) {
      if (!rawMode) toast('error', 'Cue: fix a command', `The ${list.problem}.`); // raw mode shows its own error
      return;
    }
    if (!name.trim()) return toast('error', 'Cue: name it', 'Give the cue a name, e.g. "Sunset".');
    const cueSettings = settingsToSave(settings);
    if (!cueSettings.ok) return toast('error', 'Cue: fix a setting', `${cueSettings.problem}.`);
    void send({ type: 'cue.save', cueId, name: name.trim(), commands: list.value, ...cueSettings.value, ...(index !== undefined ? { index } : {}) }, `Save cue ${name.trim()}`).then((ok) => ok && onDone());
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
              const list = commandsOf(rows);
              if (!list.ok) return toast('error', 'Raw JSON: fix a command first', `The ${list.problem}.`);
              setRaw(JSON.stringify(list.value, null, 2));
              setRawMode(true);
            } else {
              const list = parseRaw();
              if (!list.ok) return;
              setRows(list.value.map(rowOf));
              setRawMode(false);
            }
          }}
        />
      </div>
      <CueSettingsFields value={settings} onChange={setSettings} />
      {rawMode ? (
        <>
          <textarea className="json" rows={Math.min(20, Math.max(6, raw.split('\n').length + 1))} spellCheck={false} value={raw} onChange={(e) => setRaw(e.target.value)} aria-label="Commands as JSON" data-testid="cue-raw" />
          {rawError && <p className="form-error" role="alert">{rawError}</p>}
        </>
      ) : (
        <ol className="cmd-list">
          {rows.map((row, i) => (
            <li key={i} className="cmd">
              <select
                value={row.kind === 'form' ? row.command.type : 'other'}
                onChange={(e) => {
                  const type = e.target.value;
                  if (isBuilderType(type)) update(i, { kind: 'form', command: defaultCommand(type, show.walls, pieces, screens) });
                  else if (row.kind === 'form') update(i, jsonRow(JSON.stringify(row.command)));
                }}
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
              {row.kind === 'form' ? (
                <CommandFields command={row.command} onChange={(command) => update(i, { kind: 'form', command })} screens={screens} index={i} pieceOf={(wallId) => pieceBefore(rows, i, wallId, show.walls, show.cues.slice(0, index ?? show.cues.length))} />
              ) : (
                <div className="cmd-fields">
                  <JsonField text={row.text} parsed={row.parsed} onChange={(text) => update(i, jsonRow(text))} label="Command as JSON" testId={`cmd-json-${i}`} />
                </div>
              )}
              <button type="button" className="ghost" aria-label={`Remove command ${i + 1}`} onClick={() => setRows((l) => l.filter((_, j) => j !== i))}>
                Remove
              </button>
            </li>
          ))}
        </ol>
      )}
      <div className="row wrap">
        {!rawMode && (
          <button type="button" onClick={() => setRows((l) => [...l, { kind: 'form', command: defaultCommand('wall.play', show.walls, pieces, screens) }])} data-testid="cmd-add">
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

/** The wall of a wall.* command. */
function WallSelect({ value, onChange, index }: { value: string; onChange: (wallId: string) => void; index: number }) {
  const walls = useControl((s) => s.show?.walls)!;
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="Wall" data-testid={`cmd-wall-${index}`}>
      {walls.map((w) => (
        <option key={w.id} value={w.id}>
          {w.name}
        </option>
      ))}
    </select>
  );
}

function CommandFields({ command: c, onChange, screens, index, pieceOf }: { command: BuilderCommand; onChange: (c: BuilderCommand) => void; screens: string[]; index: number; pieceOf: (wallId: string) => string | null }) {
  const pieces = useControl((s) => s.pieces);
  const allPresets = useControl((s) => s.show?.presets ?? NO_PRESETS);
  const walls = useControl((s) => s.show?.walls);
  switch (c.type) {
    case 'wall.play': {
      const presets = Object.keys(allPresets[c.installationId] ?? {});
      const wallDefault = walls?.find((w) => w.id === c.wallId)?.defaultTransition ?? null;
      return (
        <div className="cmd-fields">
          <WallSelect value={c.wallId} onChange={(wallId) => onChange({ ...c, wallId })} index={index} />
          <select
            value={c.installationId}
            onChange={(e) => {
              const { preset: _dropped, params: _theirs, ...rest } = c; // another piece: its own params
              onChange({ ...rest, installationId: e.target.value });
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
            value={c.preset ?? ''}
            onChange={(e) => {
              const { preset: _old, ...rest } = c;
              onChange(e.target.value ? { ...rest, preset: e.target.value } : rest);
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
          <TransitionPicker
            value={c.transition ? { type: c.transition.type, ms: c.transition.ms ?? 0 } : undefined}
            onChange={(transition) => {
              const { transition: _old, ...rest } = c;
              onChange(transition ? { ...rest, transition } : rest);
            }}
            fallback={wallDefault}
            testId={`cmd-transition-${index}`}
          />
          <CueParamsEditor installationId={c.installationId} value={c.params ?? {}} onChange={(params) => onChange({ ...c, params })} testId={`cmd-params-${index}`} />
        </div>
      );
    }
    case 'wall.stop':
    case 'wall.pause':
    case 'wall.resume':
      return (
        <div className="cmd-fields">
          <WallSelect value={c.wallId} onChange={(wallId) => onChange({ ...c, wallId })} index={index} />
        </div>
      );
    case 'wall.params':
      return (
        <div className="cmd-fields">
          <WallSelect value={c.wallId} onChange={(wallId) => onChange({ ...c, wallId, params: {} })} index={index} />
          <CueParamsEditor installationId={pieceOf(c.wallId)} value={c.params} onChange={(params) => onChange({ ...c, params })} testId={`cmd-params-${index}`} />
        </div>
      );
    case 'show.blackout':
      return (
        <div className="cmd-fields">
          <Toggle checked={c.on} onChange={(on) => onChange({ ...c, on })} label={c.on ? 'on' : 'off'} />
        </div>
      );
    case 'screen.blackout':
      return (
        <div className="cmd-fields">
          <select value={c.screenId} onChange={(e) => onChange({ ...c, screenId: e.target.value })} aria-label="Screen" data-testid={`cmd-screen-${index}`}>
            {screens.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <Toggle checked={c.on} onChange={(on) => onChange({ ...c, on })} label={c.on ? 'black' : 'unblack'} />
        </div>
      );
    case 'show.volume':
      return (
        <div className="cmd-fields">
          <input type="range" min={0} max={1} step={0.01} value={c.volume} onChange={(e) => onChange({ ...c, volume: Number(e.target.value) })} aria-label="Volume" />
          <span className="num">{Math.round(c.volume * 100)}%</span>
        </div>
      );
    case 'wall.visitors':
      return (
        <div className="cmd-fields">
          <WallSelect value={c.wallId} onChange={(wallId) => onChange({ ...c, wallId })} index={index} />
          <Toggle checked={c.input !== false} onChange={(input) => onChange({ ...c, input })} label="input" />
          <Toggle checked={c.showQr === true} onChange={(showQr) => onChange({ ...c, showQr })} label="QR" />
        </div>
      );
  }
}

/** A one-line JSON editor that says what is wrong with its text instead of losing it. */
function JsonField({ text, parsed, onChange, label, testId }: { text: string; parsed: Parsed<unknown>; onChange: (text: string) => void; label: string; testId?: string }) {
  return (
    <input
      className={`json-line${parsed.ok ? '' : ' invalid'}`}
      value={text}
      spellCheck={false}
      aria-label={label}
      aria-invalid={!parsed.ok}
      title={parsed.ok ? label : `Not valid yet: ${parsed.problem}`}
      data-testid={testId}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
