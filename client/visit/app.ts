import type { VisitorView } from '../../protocol/plain';
import { h } from './dom';
import { buildControl, type Control } from './controls';
import type { Lang, T } from './i18n';
import type { SendOutcome } from './sender';
import type { Visit, VisitState } from './session';
import { colourOf } from './colour';

/**
 * The phone page: which piece plays and who made it, the visitor's colour, their state (in line,
 * paused, reconnecting…) and the piece's controls, rebuilt whenever the wall switches piece.
 */
export function mountApp(root: HTMLElement, visit: Visit, lang: Lang, t: T) {
  const wallName = h('p', { class: 'wall' });
  const title = h('h1', {}, '…');
  const artist = h('p', { class: 'artist' });
  const swatch = h('span', { class: 'swatch' });
  const me = h('p', { class: 'me' }, swatch, h('span', {}, t('yourColour')));
  const status = h('section', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const controls = h('div', { class: 'controls' });
  const hint = h('p', { class: 'hint' }, t('hint'));
  const staff = h('p', { class: 'staff' });
  const page = h('main', { class: 'visit' }, h('header', { class: 'piece' }, wallName, title, artist, me), status, controls, hint, staff);
  root.replaceChildren(page);

  const outcomeListeners = new Map<string, (r: SendOutcome) => void>();
  let notice: ReturnType<typeof setTimeout> | null = null;
  visit.sender.onOutcome = (msg, r) => {
    outcomeListeners.get(msg.input)?.(r);
    if (!r.ok && r.code === 'rate_limited') {
      page.dataset.notice = t('tooFast');
      if (notice) clearTimeout(notice);
      notice = setTimeout(() => delete page.dataset.notice, 1500);
    }
  };

  let built: { key: string; controls: Control[] } = { key: '', controls: [] };
  const buildControls = (view: VisitorView | null) => {
    const key = view?.piece ? JSON.stringify([view.piece.id, view.piece.inputs, view.hue]) : '';
    if (key === built.key) return;
    for (const c of built.controls) c.dispose();
    outcomeListeners.clear();
    const colour = colourOf(view?.hue ?? 0);
    const ctx = { lang, t, colour, sender: visit.sender, onOutcome: (input: string, fn: (r: SendOutcome) => void) => void outcomeListeners.set(input, fn) };
    const list = view?.piece?.inputs.map((spec) => buildControl(spec, ctx)) ?? [];
    built = { key, controls: list };
    controls.replaceChildren(...list.map((c) => c.el), ...(view?.piece && !list.length ? [h('p', { class: 'quiet' }, t('noInputs'))] : []));
  };

  const statusOf = (s: VisitState): { text: string; big?: string; action?: [string, () => void] } | null => {
    switch (s.phase) {
      case 'connecting':
        return { text: t('joining') };
      case 'reconnecting':
        return { text: t('reconnecting') };
      case 'kicked':
        return { text: t('kicked') };
      case 'replaced':
        return { text: t('replaced'), action: [t('useHere'), () => visit.retry()] };
      case 'refused': {
        const code = s.refusal?.code;
        if (code === 'unknown_wall') return { text: t('unknownWall') };
        if (code === 'forbidden') return { text: t('kicked') };
        if (code === 'not_allowed_now') return { text: t('full'), action: [t('retry'), () => visit.retry()] };
        return { text: t('error', { message: s.refusal?.message ?? '?' }), action: [t('retry'), () => visit.retry()] };
      }
      case 'joined':
        switch (s.view?.status) {
          case 'queued':
            return { big: t('queuePosition', { n: s.view.queuePosition }), text: `${t('queueTitle')}. ${t('queueHint')}` };
          case 'paused':
            return { text: t('paused') };
          case 'closed':
            return { text: t('closed') };
          default:
            return null;
        }
    }
  };

  return (s: VisitState) => {
    const v = s.view;
    page.dataset.phase = s.phase;
    page.dataset.status = v?.status ?? 'none';
    wallName.textContent = v?.wallName ?? '';
    title.textContent = v?.piece?.title ?? (v ? v.wallName : 'Pavilion');
    artist.textContent = v?.piece ? t('by', { artist: v.piece.artist }) : '';
    document.title = v?.piece ? `${v.piece.title} · Pavilion` : 'Pavilion';
    const colour = colourOf(v?.hue ?? 0);
    swatch.style.background = colour;
    swatch.style.boxShadow = `0 0 18px ${colour}`;
    me.hidden = !v;
    staff.textContent = v ? `${t('staffId')}: ${v.visitorId}` : '';

    const st = statusOf(s);
    status.hidden = !st;
    status.replaceChildren(
      ...(st
        ? [
            st.big ? h('p', { class: 'big-number' }, st.big) : null,
            h('p', {}, st.text),
            st.action ? actionButton(st.action) : null,
          ].filter((x): x is HTMLElement => !!x)
        : []),
    );
    buildControls(s.phase === 'kicked' || s.phase === 'refused' ? null : v);
    const live = s.phase === 'joined' && v?.status === 'playing';
    controls.classList.toggle('disabled', !live);
    controls.toggleAttribute('inert', !live);
    if (!v?.piece || v.status === 'closed') controls.hidden = true;
    else controls.hidden = false;
    hint.hidden = !(live && built.controls.length);
  };
}

function actionButton([label, fn]: [string, () => void]): HTMLElement {
  const b = h('button', { type: 'button', class: 'secondary' }, label);
  b.addEventListener('click', fn);
  return b;
}
