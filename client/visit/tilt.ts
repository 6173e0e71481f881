import { clamp1, h, round3 } from './dom';
import type { Control, ControlContext } from './controls';
import { pad } from './pad';

type OrientationCtor = typeof DeviceOrientationEvent & { requestPermission?: () => Promise<'granted' | 'denied'> };

/** Degrees of tilt from the rest position that reach the edge of the range. */
const RANGE_DEG = 30;

/**
 * Tilt: the phone's orientation relative to how it was held when tilt was switched on, as
 * {x, y} in [-1, 1] (x right, y up: tip the top away to go up). iOS asks permission, which
 * needs a tap, so tilt always starts from a button. Where there is no sensor (or no HTTPS, which
 * browsers require for it), the circle works as a drag pad sending the same values.
 */
export function tiltControl(id: string, label: string, ctx: ControlContext): Control {
  const { area, place } = pad(id, label, ctx, (x, y) => ctx.sender.state(id, { x, y }));
  area.classList.add('round');
  const note = h('p', { class: 'note', 'aria-live': 'polite' });
  const enable = h('button', { type: 'button', class: 'secondary' }, ctx.t('tiltEnable'));
  let base: { beta: number; gamma: number } | null = null;
  let listening = false;
  let watchdog: ReturnType<typeof setTimeout> | null = null;

  const onOrientation = (e: DeviceOrientationEvent) => {
    if (e.beta === null || e.gamma === null) return;
    if (!base) base = { beta: e.beta, gamma: e.gamma };
    const dx = (e.gamma - base.gamma) / RANGE_DEG;
    const dy = (base.beta - e.beta) / RANGE_DEG;
    const angle = ((screen.orientation?.angle ?? 0) * Math.PI) / 180;
    const x = round3(clamp1(dx * Math.cos(angle) + dy * Math.sin(angle)));
    const y = round3(clamp1(dy * Math.cos(angle) - dx * Math.sin(angle)));
    place(x, y);
    ctx.sender.state(id, { x, y });
    if (watchdog) {
      clearTimeout(watchdog);
      watchdog = null;
      note.textContent = ctx.t('tiltOn');
    }
  };

  const stop = () => {
    if (listening) window.removeEventListener('deviceorientation', onOrientation);
    listening = false;
    if (watchdog) clearTimeout(watchdog);
    watchdog = null;
  };

  enable.addEventListener('click', async () => {
    const DOE = (window as unknown as { DeviceOrientationEvent?: OrientationCtor }).DeviceOrientationEvent;
    if (!DOE) return void (note.textContent = ctx.t('tiltUnavailable'));
    if (typeof DOE.requestPermission === 'function') {
      try {
        if ((await DOE.requestPermission()) !== 'granted') return void (note.textContent = ctx.t('tiltDenied'));
      } catch {
        return void (note.textContent = ctx.t('tiltDenied'));
      }
    }
    base = null;
    if (!listening) window.addEventListener('deviceorientation', onOrientation);
    listening = true;
    enable.textContent = ctx.t('recentre');
    watchdog = setTimeout(() => {
      watchdog = null;
      note.textContent = ctx.t('tiltUnavailable');
    }, 2000);
  });

  return { el: h('section', { class: 'control control-tilt' }, h('h2', {}, label), area, enable, note), dispose: stop };
}
