import '../shared/base.css';
import './visit.css';
import { pickLanguage, translator } from './i18n';
import { startVisit, type VisitState } from './session';
import { mountApp } from './app';
import { h } from './dom';
import { ID_PATTERN } from '../../protocol/plain';

/**
 * The visitor's phone page, /visit/<wallId>. Plain DOM and socket.io-client only: no React, no
 * three.js, so it loads in well under a second on a phone (docs/visitors.md).
 */
const params = new URLSearchParams(location.search);
const lang = pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language], params.get('lang'));
document.documentElement.lang = lang;
const t = translator(lang);
const root = document.getElementById('root')!;
const wallId = decodeURIComponent(location.pathname.split('/')[2] ?? '') || params.get('wall') || '';

if (!ID_PATTERN.test(wallId)) {
  root.replaceChildren(h('main', { class: 'visit' }, h('section', { class: 'status' }, h('p', {}, t('unknownWall')))));
} else {
  let render: (s: VisitState) => void = () => {};
  const visit = startVisit(wallId, lang, (s) => render(s));
  render = mountApp(root, visit, lang, t);
  render(visit.state);
  // For automation and support: what this phone sees (no personal data).
  Object.defineProperty(window, '__visit', {
    value: Object.freeze({
      get phase() {
        return visit.state.phase;
      },
      get status() {
        return visit.state.view?.status ?? null;
      },
      get visitorId() {
        return visit.state.view?.visitorId ?? null;
      },
      get lang() {
        return lang;
      },
      get inputPath() {
        return visit.inputPath;
      },
      get inputSocketFailures() {
        return visit.inputSocketFailures;
      },
    }),
  });
}
