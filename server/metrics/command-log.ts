import type { Logger } from 'pino';
import type { DispatchEvent, ShowStore } from '../show/store';

/**
 * One pino line per command, with where it came from, its type and its result
 * (`{ source, command, result, durableMs }`). Refusals log at info with the reason (warn when the
 * server failed: `internal`); a cue's own commands and the panel's param sliders at debug.
 */
export function logCommands(store: Pick<ShowStore, 'onDispatch'>, logger: Pick<Logger, 'info' | 'warn' | 'debug'>): () => void {
  return store.onDispatch((e: DispatchEvent) => {
    const line = { source: e.source, command: e.type, result: e.result, version: e.version, ...(e.durableS !== null ? { durableMs: Math.round(e.durableS * 1e5) / 100 } : {}) };
    if (e.result === 'ok') {
      if (e.source === 'cue' || e.type === 'wall.params') logger.debug(line, `command: ${e.type} from ${e.source}`);
      else logger.info(line, `command: ${e.type} from ${e.source}`);
      return;
    }
    const msg = `command: ${e.type} from ${e.source} refused (${e.result}): ${e.error?.message ?? ''}`;
    if (e.result === 'internal') logger.warn({ ...line, error: e.error }, msg);
    else logger.info({ ...line, error: e.error }, msg);
  });
}
