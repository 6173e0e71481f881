import { useEffect, useMemo, useRef, useState } from 'react';
import { IDENTITY_CORNERS, PATTERNS, type CommandInput, type Corners, type OutputSettings, type Pattern, type ScreenStatus } from '../../../protocol';
import { useControl } from '../store';
import { send } from '../link';
import { Empty, Section } from '../ui';
import { CornerPad } from './CornerPad';
import { LatestSender } from './latest';

type Scope = 'screen' | 'wall' | 'all';
const KEYS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The calibration view (docs/projection.md): choose a screen, drag its four corners on a picture of
 * its output (sent while dragging, one in flight, the latest winning; the last one sent on release),
 * nudge the chosen corner with the arrow keys (Shift: ten), set blend widths, gamma and levels,
 * show patterns, undo, and copy the settings to another screen. Large targets for a tablet in the dark.
 */
export function OutputView() {
  const screens = useControl((s) => s.show?.screens ?? []);
  const known = screens.filter((s) => s.known);
  const [screenId, setScreenId] = useState<string | null>(null);
  const screen = known.find((s) => s.id === screenId) ?? known[0] ?? null;
  if (!screen) return <Empty>No screens in the show yet: pair one first (Screens).</Empty>;
  return (
    <>
      <Section title="Screen" testId="output-chooser">
        <select value={screen.id} onChange={(e) => setScreenId(e.target.value)} data-testid="output-screen" aria-label="Screen to calibrate" style={{ fontSize: '1.2em', padding: '0.4em' }}>
          {known.map((s) => (
            <option key={s.id} value={s.id}>
              {s.id} {s.wallId ? `(${s.wallId})` : ''} {s.connected ? '' : '— offline'}
            </option>
          ))}
        </select>
      </Section>
      <Calibrate key={screen.id} screen={screen} others={known.filter((s) => s.id !== screen.id)} />
    </>
  );
}

function Calibrate({ screen, others }: { screen: ScreenStatus; others: ScreenStatus[] }) {
  const saved: OutputSettings = useMemo(() => screen.output ?? {}, [screen.output]);
  const [draft, setDraft] = useState<OutputSettings | null>(null);
  const [selected, setSelected] = useState(0);
  const [status, setStatus] = useState<string>('');
  const [scope, setScope] = useState<Scope>('screen');
  const [copyTo, setCopyTo] = useState<string>(others[0]?.id ?? '');
  const undo = useRef<OutputSettings[]>([]);
  const [undoCount, setUndoCount] = useState(0);
  const lastNudge = useRef(0);
  const sender = useMemo(
    () => new LatestSender<CommandInput>((c) => send(c, `Output of ${screen.id}`)),
    [screen.id],
  );
  const current = draft ?? saved;
  const corners: Corners = current.corners ?? IDENTITY_CORNERS;
  const rect = screen.rect ?? { x: 0, y: 0, w: 1920, h: 1080 };

  // The server's state took over once nothing is on its way.
  useEffect(() => {
    if (draft && !sender.busy && same(draft, saved)) setDraft(null);
  }, [saved, draft, sender]);

  // The state as shown (the drag or nudge in flight included): the mirror can lag a paced send.
  const remember = () => {
    undo.current.push(current);
    if (undo.current.length > 50) undo.current.shift();
    setUndoCount(undo.current.length);
  };
  /** Shows a change at once and sends it (paced: the latest wins). */
  const change = (patch: Partial<OutputSettings>, fields: Record<string, unknown>) => {
    setDraft({ ...current, ...patch });
    setStatus('sending…');
    sender.push({ type: 'screen.output', screenId: screen.id, ...fields } as CommandInput);
  };
  const settle = async () => {
    const ok = await sender.settle();
    setStatus(ok ? 'saved' : 'not saved: see the message');
    if (!ok) setDraft(null);
  };
  const moveCorner = (i: number, p: [number, number]) => {
    const next = corners.map((c, k) => (k === i ? p : c)) as Corners;
    change({ corners: next }, { corners: next });
  };
  const setAll = (o: OutputSettings) => {
    change(o, { reset: true, ...o });
    void settle();
  };

  const onKey = (e: React.KeyboardEvent) => {
    const d = KEYS[e.key];
    if (!d) return;
    e.preventDefault();
    if (performance.now() - lastNudge.current > 1000) remember(); // one undo step per run of nudges
    lastNudge.current = performance.now();
    const step = e.shiftKey ? 10 : 1; // in the units of the screen's rect: about one projector pixel
    const [x, y] = corners[selected]!;
    moveCorner(selected, [x + (d[0] * step) / rect.w, y + (d[1] * step) / rect.h]);
    void settle();
  };

  const pattern = (p: Pattern) => {
    const target = scope === 'screen' ? { screenId: screen.id } : scope === 'wall' && screen.wallId ? { wallId: screen.wallId } : {};
    void send({ type: 'screen.pattern', pattern: p, ...target }, `Pattern ${p}`);
  };
  const blend = current.blend ?? {};
  const blendField = (side: 'left' | 'right' | 'top' | 'bottom' | 'gamma' | 'power', v: number) => {
    if (!Number.isFinite(v)) return;
    remember();
    change({ blend: { ...blend, [side]: v } }, { blend: { [side]: v } });
    void settle();
  };
  const level = (key: 'brightness' | 'black', v: number) => {
    change({ [key]: v }, { [key]: v });
  };

  return (
    <>
      <Section
        title={<>Output of {screen.id} <span className="muted small">{rect.w}×{rect.h} in {screen.wallId ?? 'no wall'}</span></>}
        testId="output-calibrate"
        actions={<span className="muted small" data-testid="output-status" aria-live="polite">{status}</span>}
      >
        <div tabIndex={0} onKeyDown={onKey} aria-label="Corners: drag them, or choose one and nudge it with the arrow keys (Shift: ten)" data-testid="output-pad" style={{ outline: 'none' }}>
          <CornerPad
            rect={rect}
            corners={corners}
            selected={selected}
            onSelect={(i) => {
              setSelected(i);
              remember();
            }}
            onDrag={moveCorner}
            onRelease={() => void settle()}
          />
        </div>
        <p className="muted small">Drag a corner (it reaches the projector as you drag, and is saved when you let go), or pick one and use the arrow keys (Shift: ×10).</p>
        <div className="row" style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
          <button type="button" disabled={!undoCount} data-testid="output-undo" onClick={() => {
            const prev = undo.current.pop();
            setUndoCount(undo.current.length);
            if (prev) setAll(prev);
          }}>
            Undo
          </button>
          <button type="button" data-testid="output-reset" onClick={() => {
            remember();
            setAll({});
          }}>
            Reset to identity
          </button>
          {others.length > 0 && (
            <>
              <select value={copyTo} onChange={(e) => setCopyTo(e.target.value)} aria-label="Copy to screen" data-testid="output-copy-to">
                {others.map((s) => (
                  <option key={s.id} value={s.id}>{s.id}</option>
                ))}
              </select>
              <button type="button" data-testid="output-copy" disabled={!copyTo} onClick={() => void send({ type: 'screen.output', screenId: copyTo, reset: true, ...current } as CommandInput, `Copy output of ${screen.id} to ${copyTo}`)}>
                Copy to {copyTo}
              </button>
            </>
          )}
        </div>
      </Section>
      <Section title="Test pattern" testId="output-patterns">
        <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'center' }}>
          <select value={scope} onChange={(e) => setScope(e.target.value as Scope)} aria-label="Show the pattern on">
            <option value="screen">this screen</option>
            {screen.wallId && <option value="wall">its wall ({screen.wallId})</option>}
            <option value="all">every screen</option>
          </select>
          {PATTERNS.map((p) => (
            <button key={p} type="button" className={screen.pattern === p || (p === 'none' && !screen.pattern) ? 'active' : ''} data-testid={`pattern-${p}`} onClick={() => pattern(p)} style={{ minWidth: 64, minHeight: 44 }}>
              {p}
            </button>
          ))}
        </div>
      </Section>
      <Section title="Soft edges and levels" testId="output-blend">
        <p className="muted small">Widths in the units of the screen's rect ({rect.w}×{rect.h}); a side never set takes the overlap with its neighbours in the layout.</p>
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(160px, 1fr))', gap: 8 }}>
          {(['left', 'right', 'top', 'bottom'] as const).map((side) => (
            <label key={side}>
              {side}{' '}
              <input type="number" min={0} max={(side === 'left' || side === 'right' ? rect.w : rect.h) / 2} step={10} value={blend[side] ?? ''} placeholder="layout" data-testid={`blend-${side}`}
                onChange={(e) => e.target.value !== '' && blendField(side, Number(e.target.value))} style={{ width: '6em' }} />
            </label>
          ))}
          <label>
            gamma {(blend.gamma ?? 2.2).toFixed(2)}
            <input type="range" min={0.5} max={4} step={0.05} value={blend.gamma ?? 2.2} data-testid="blend-gamma" onChange={(e) => blendField('gamma', Number(e.target.value))} />
          </label>
          <label>
            power {(blend.power ?? 2).toFixed(1)}
            <input type="range" min={1} max={8} step={0.1} value={blend.power ?? 2} data-testid="blend-power" onChange={(e) => blendField('power', Number(e.target.value))} />
          </label>
          <label>
            brightness {(current.brightness ?? 1).toFixed(2)}
            <input type="range" min={0} max={2} step={0.01} value={current.brightness ?? 1} onPointerDown={remember} onChange={(e) => level('brightness', Number(e.target.value))} onPointerUp={() => void settle()} />
          </label>
          <label>
            black lift {(current.black ?? 0).toFixed(3)}
            <input type="range" min={0} max={0.2} step={0.002} value={current.black ?? 0} onPointerDown={remember} onChange={(e) => level('black', Number(e.target.value))} onPointerUp={() => void settle()} />
          </label>
        </div>
      </Section>
    </>
  );
}
