import { useState } from 'react';
import { PATTERNS, type Pattern, type Rect, type ScreenStatus } from '../../../protocol';
import { send } from '../link';
import { Section } from '../ui';
import type { Calibration } from './calibration';

type Scope = 'screen' | 'wall' | 'all';

/** Test patterns on this screen, its wall or every screen (drawn before the warp, so warps and blends are tuned on them). */
export function PatternSection({ screen }: { screen: ScreenStatus }) {
  const [scope, setScope] = useState<Scope>('screen');
  const pattern = (p: Pattern) => {
    const target = scope === 'screen' ? { screenId: screen.id } : scope === 'wall' && screen.wallId ? { wallId: screen.wallId } : {};
    void send({ type: 'screen.pattern', pattern: p, ...target }, `Pattern ${p}`);
  };
  return (
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
  );
}

/** Soft-edge widths, gamma and power, brightness and the black lift. */
export function LevelsSection({ rect, cal }: { rect: Rect; cal: Calibration }) {
  const { current, change, settle, remember } = cal;
  const blend = current.blend ?? {};
  const blendField = (side: 'left' | 'right' | 'top' | 'bottom' | 'gamma' | 'power', v: number) => {
    if (!Number.isFinite(v)) return;
    remember();
    change({ blend: { ...blend, [side]: v } }, { blend: { [side]: v } });
    void settle();
  };
  const level = (key: 'brightness' | 'black', v: number) => change({ [key]: v }, { [key]: v });
  return (
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
  );
}
