import type { DisplayView } from '../../protocol';
import { resolveOutput } from './resolve';

/** What window.__pavilion.output says of a screen's output stage: the identity (nothing drawn), the pattern shown, a problem. */
export function outputDiag(view: DisplayView | null): { identity: boolean; pattern: string | null; problem: string | null } {
  const r = resolveOutput(view);
  return { identity: r.identity, pattern: r.pattern, problem: r.problem };
}
