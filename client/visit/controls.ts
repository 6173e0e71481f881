import type { InputSpec } from '../../protocol';
import { h } from './dom';
import { pad } from './pad';
import { localize, type Lang, type T } from './i18n';
import type { InputSender, SendOutcome } from './sender';
import { tiltControl } from './tilt';

export interface ControlContext {
  lang: Lang;
  t: T;
  colour: string;
  sender: InputSender;
  /** Register for the server's answers to this input. */
  onOutcome(input: string, fn: (r: SendOutcome) => void): void;
}

export interface Control {
  el: HTMLElement;
  dispose(): void;
}

/** The phone's controls, built from the piece's manifest inputs. */
export function buildControl(spec: InputSpec, ctx: ControlContext): Control {
  switch (spec.type) {
    case 'xy':
      return padControl(spec.id, localize(spec.label, ctx.lang), ctx);
    case 'tilt':
      return tiltControl(spec.id, localize(spec.label, ctx.lang), ctx);
    case 'button':
      return buttonControl(spec.id, localize(spec.label, ctx.lang), ctx);
    case 'slider':
      return sliderControl(spec, localize(spec.label, ctx.lang), ctx);
    case 'text':
      return textControl(spec, localize(spec.label, ctx.lang), ctx);
  }
}

function padControl(id: string, label: string, ctx: ControlContext): Control {
  const { area } = pad(id, label, ctx, (x, y) => ctx.sender.state(id, { x, y }));
  return { el: h('section', { class: 'control control-xy' }, h('h2', {}, label), area), dispose() {} };
}

function buttonControl(id: string, label: string, ctx: ControlContext): Control {
  const b = h('button', { class: 'big', type: 'button', 'data-input': id }, label);
  b.style.setProperty('--me', ctx.colour);
  const fire = () => {
    ctx.sender.event(id, true);
    navigator.vibrate?.(12);
    b.classList.remove('fired');
    void b.offsetWidth; // restart the flash
    b.classList.add('fired');
  };
  b.addEventListener('pointerdown', fire);
  b.addEventListener('click', (e) => {
    if (e.detail === 0) fire(); // keyboard; touches and clicks already fired on pointerdown
  });
  return { el: h('section', { class: 'control control-button' }, b), dispose() {} };
}

function sliderControl(spec: Extract<InputSpec, { type: 'slider' }>, label: string, ctx: ControlContext): Control {
  const range = h('input', { type: 'range', min: spec.min, max: spec.max, step: (spec.max - spec.min) / 200, value: (spec.min + spec.max) / 2, 'data-input': spec.id, 'aria-label': label });
  range.style.accentColor = ctx.colour;
  range.addEventListener('input', () => ctx.sender.state(spec.id, Number(range.value)));
  return { el: h('section', { class: 'control control-slider' }, h('h2', {}, label), range), dispose() {} };
}

const EMOJI = ['✨', '🔥', '🌊', '❤️', '👋', '🎉'];

function textControl(spec: Extract<InputSpec, { type: 'text' }>, label: string, ctx: ControlContext): Control {
  const field = h('input', { type: 'text', maxlength: 40, autocomplete: 'off', autocapitalize: 'off', enterkeyhint: 'send', placeholder: ctx.t('placeholder'), 'aria-label': label, 'data-input': spec.id });
  const note = h('p', { class: 'note', 'aria-live': 'polite' });
  const send = (text: string) => {
    const clean = text.trim();
    if (!clean) return;
    if ([...clean].length > spec.maxLength) return void (note.textContent = ctx.t('tooLong', { n: spec.maxLength }));
    ctx.sender.event(spec.id, clean);
    field.value = '';
  };
  const form = h('form', { class: 'text-row' }, field, h('button', { type: 'submit', class: 'send' }, ctx.t('send')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    send(field.value);
  });
  const emoji = h('div', { class: 'emoji-row' }, ...EMOJI.map((em) => {
    const b = h('button', { type: 'button', class: 'emoji', 'aria-label': em }, em);
    b.addEventListener('click', () => send(em));
    return b;
  }));
  let clear: ReturnType<typeof setTimeout> | null = null;
  ctx.onOutcome(spec.id, (r) => {
    note.textContent = r.ok ? ctx.t('sent') : r.code === 'bad_request' ? r.message : '';
    if (clear) clearTimeout(clear);
    clear = setTimeout(() => (note.textContent = ''), 2000);
  });
  return {
    el: h('section', { class: 'control control-text' }, h('h2', {}, label), form, emoji, note),
    dispose: () => void (clear && clearTimeout(clear)),
  };
}
