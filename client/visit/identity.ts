import { VISITOR_SECRET_PATTERN } from '../../protocol/plain';

const KEY = 'pavilion.visitor';

/**
 * The visitor's anonymous id: random, kept in this phone's storage so a reload keeps its place.
 * Nothing else about the visitor is stored, here or on the server.
 */
export function visitorId(): string {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved && VISITOR_SECRET_PATTERN.test(saved)) return saved;
  } catch {
    /* storage blocked (private mode): a fresh id per page load */
  }
  const id = randomId();
  try {
    localStorage.setItem(KEY, id);
  } catch {
    /* see above */
  }
  return id;
}

function randomId(): string {
  const bytes = new Uint8Array(16);
  if (typeof globalThis.crypto?.getRandomValues === 'function') crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
