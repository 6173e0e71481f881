import { clamp1, h, round3 } from './dom';
import type { ControlContext } from './controls';

/** A square pad: drag anywhere; x right, y up, both in [-1, 1]. */
export function pad(id: string, label: string, ctx: ControlContext, onUser: (x: number, y: number) => void) {
  const dot = h('div', { class: 'dot' });
  dot.style.background = ctx.colour;
  dot.style.boxShadow = `0 0 24px ${ctx.colour}`;
  const area = h('div', { class: 'pad', role: 'slider', 'aria-label': label, 'data-input': id, tabindex: 0 }, h('div', { class: 'cross' }), dot);
  const place = (x: number, y: number) => {
    dot.style.left = `${((x + 1) / 2) * 100}%`;
    dot.style.top = `${((1 - y) / 2) * 100}%`;
  };
  place(0, 0);
  let active: number | null = null;
  const move = (e: PointerEvent) => {
    const r = area.getBoundingClientRect();
    const x = round3(clamp1(((e.clientX - r.left) / r.width) * 2 - 1));
    const y = round3(clamp1(1 - ((e.clientY - r.top) / r.height) * 2));
    place(x, y);
    onUser(x, y);
  };
  area.addEventListener('pointerdown', (e) => {
    active = e.pointerId;
    area.setPointerCapture?.(e.pointerId);
    area.classList.add('active');
    move(e);
    e.preventDefault();
  });
  area.addEventListener('pointermove', (e) => {
    if (active === e.pointerId) move(e);
  });
  const end = (e: PointerEvent) => {
    if (active !== e.pointerId) return;
    active = null;
    area.classList.remove('active');
  };
  area.addEventListener('pointerup', end);
  area.addEventListener('pointercancel', end);
  return { area, place };
}
