import { useEffect, useMemo, useRef, useState } from 'react';
import type { CommandOf, Rect, WallStatus } from '../../../protocol';
import { NONE, useControl } from '../store';
import { send } from '../link';
import { NumberInput } from '../ui';

/** The layout being edited: a `wall.layout` command for this wall, not sent yet. */
type Draft = Omit<CommandOf<'wall.layout'>, 'type' | 'wallId'>;

function fromShow(wall: WallStatus, rects: Record<string, Rect | null>): Draft {
  return {
    width: wall.width,
    height: wall.height,
    screens: wall.screens.map((id) => ({ screenId: id, rect: rects[id] ?? { x: 0, y: 0, w: 1920, h: 1080 } })),
  };
}

/**
 * Which screens make up the wall and where each sits in wall pixels. Edits stay a draft (numbers
 * or dragging in the preview) until Apply sends one `wall.layout`.
 */
export function LayoutEditor({ wall }: { wall: WallStatus }) {
  const screens = useControl((s) => s.show?.screens ?? NONE);
  const rects = useMemo(() => Object.fromEntries(screens.map((s) => [s.id, s.rect])), [screens]);
  const server = useMemo(() => fromShow(wall, rects), [wall, rects]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const shown = draft ?? server;
  const dirty = draft !== null && JSON.stringify(draft) !== JSON.stringify(server);
  const [adding, setAdding] = useState('');

  const candidates = screens.filter((s) => !shown.screens.some((d) => d.screenId === s.id));
  const edit = (fn: (d: Draft) => Draft) => setDraft((d) => fn(structuredClone(d ?? server)));
  const setRect = (i: number, patch: Partial<Rect>) =>
    edit((d) => {
      const s = d.screens[i];
      if (s) s.rect = { ...s.rect, ...patch };
      return d;
    });

  const add = () => {
    if (!adding) return;
    edit((d) => {
      const right = d.screens.reduce((m, s) => Math.max(m, s.rect.x + s.rect.w), 0);
      const w = d.screens[0]?.rect.w ?? Math.min(1920, d.width);
      const h = d.screens[0]?.rect.h ?? Math.min(1080, d.height);
      d.screens.push({ screenId: adding, rect: { x: right + w <= d.width ? right : 0, y: 0, w, h } });
      return d;
    });
    setAdding('');
  };

  const apply = () =>
    void send({ type: 'wall.layout', wallId: wall.id, width: shown.width, height: shown.height, screens: shown.screens }, `Layout of ${wall.name}`).then((ok) => {
      if (ok) setDraft(null);
    });

  const fit = () =>
    edit((d) => {
      d.width = Math.max(1, ...d.screens.map((s) => s.rect.x + s.rect.w));
      d.height = Math.max(1, ...d.screens.map((s) => s.rect.y + s.rect.h));
      return d;
    });

  return (
    <div className="layout" data-testid="layout-editor">
      <div className="row wrap">
        <label className="field narrow">
          <span>Wall width px</span>
          <NumberInput label="Wall width" value={shown.width} min={1} onCommit={(n) => edit((d) => ({ ...d, width: n }))} testId="layout-width" />
        </label>
        <label className="field narrow">
          <span>Wall height px</span>
          <NumberInput label="Wall height" value={shown.height} min={1} onCommit={(n) => edit((d) => ({ ...d, height: n }))} testId="layout-height" />
        </label>
        <button type="button" onClick={fit} disabled={!shown.screens.length} title="Size the wall to enclose all its screens">
          Fit to screens
        </button>
      </div>
      <Preview draft={shown} onMove={(i, x, y) => setRect(i, { x, y })} />
      {shown.screens.length ? (
        <table className="rects">
          <thead>
            <tr>
              <th>Screen</th>
              <th>x</th>
              <th>y</th>
              <th>width</th>
              <th>height</th>
              <th aria-label="Remove" />
            </tr>
          </thead>
          <tbody>
            {shown.screens.map((s, i) => (
              <tr key={s.screenId} data-testid={`layout-row-${s.screenId}`}>
                <td className="mono">{s.screenId}</td>
                {(['x', 'y', 'w', 'h'] as const).map((k) => (
                  <td key={k}>
                    <NumberInput
                      label={`${s.screenId} ${k}`}
                      value={s.rect[k]}
                      min={k === 'w' || k === 'h' ? 1 : undefined}
                      onCommit={(n) => setRect(i, { [k]: n })}
                      testId={`layout-${s.screenId}-${k}`}
                    />
                  </td>
                ))}
                <td>
                  <button type="button" className="ghost" aria-label={`Remove ${s.screenId} from the wall`} onClick={() => edit((d) => ({ ...d, screens: d.screens.filter((x) => x.screenId !== s.screenId) }))}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty">No screens in this wall. Add one below.</p>
      )}
      <div className="row wrap">
        <select value={adding} onChange={(e) => setAdding(e.target.value)} aria-label="Screen to add" data-testid="layout-add-select">
          <option value="">Add a screen…</option>
          {candidates.map((s) => (
            <option key={s.id} value={s.id}>
              {s.id} {s.wallId ? `(now in ${s.wallId})` : '(unassigned)'} {s.connected ? '' : '· offline'}
            </option>
          ))}
        </select>
        <button type="button" onClick={add} disabled={!adding}>
          Add
        </button>
        <span className="grow" />
        <button type="button" className="ghost" disabled={!draft} onClick={() => setDraft(null)}>
          Revert
        </button>
        <button type="button" className="primary" disabled={!dirty} onClick={apply} data-testid="layout-apply">
          Apply layout
        </button>
      </div>
    </div>
  );
}

/** The wall to scale; each screen's rectangle can be dragged (snaps to 10 px, Shift: free). */
function Preview({ draft, onMove }: { draft: Draft; onMove: (index: number, x: number, y: number) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const drag = useRef<{ index: number; startX: number; startY: number; rx: number; ry: number; scale: number } | null>(null);
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const extentW = Math.max(draft.width, ...draft.screens.map((s) => s.rect.x + s.rect.w));
  const extentH = Math.max(draft.height, ...draft.screens.map((s) => s.rect.y + s.rect.h));
  const scale = width / extentW;
  return (
    <div className="preview" ref={box} style={{ height: Math.min(360, Math.max(80, extentH * scale)) }}>
      <div className="preview-wall" style={{ width: draft.width * scale, height: draft.height * scale }} />
      {draft.screens.map((s, i) => (
        <div
          key={s.screenId}
          className="preview-screen"
          style={{ left: s.rect.x * scale, top: s.rect.y * scale, width: s.rect.w * scale, height: s.rect.h * scale }}
          onPointerDown={(e) => {
            (e.target as HTMLElement).setPointerCapture(e.pointerId);
            drag.current = { index: i, startX: e.clientX, startY: e.clientY, rx: s.rect.x, ry: s.rect.y, scale };
          }}
          onPointerMove={(e) => {
            const d = drag.current;
            if (!d || d.index !== i) return;
            const snap = (n: number) => (e.shiftKey ? Math.round(n) : Math.round(n / 10) * 10);
            onMove(i, snap(d.rx + (e.clientX - d.startX) / d.scale), snap(d.ry + (e.clientY - d.startY) / d.scale));
          }}
          onPointerUp={() => (drag.current = null)}
          onPointerCancel={() => (drag.current = null)}
        >
          <span>{s.screenId}</span>
        </div>
      ))}
    </div>
  );
}
