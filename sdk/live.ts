import { useRef } from 'react';

/**
 * A ref that always holds `value` as of the latest render, for code that runs outside React's
 * render and must read what is current: a useFrame callback made once, a sound's scheduler step.
 *   const live = useLatest(params);  …  step(w) { const bpm = live.current.bpm; … }
 */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}
