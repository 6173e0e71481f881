type Child = Node | string | null | undefined | false;

/** A tiny element factory: the phone page is plain DOM, no framework (it must load fast). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export const clamp1 = (v: number) => (v < -1 ? -1 : v > 1 ? 1 : v);
export const round3 = (v: number) => Math.round(v * 1000) / 1000;
