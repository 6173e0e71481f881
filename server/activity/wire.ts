import type { CommandSource, ServerNotice, Show } from '../../protocol';
import type { ShowStore } from '../show/store';
import type { ScreenRegistry } from '../screens/registry';
import type { Notices } from '../show/notices';
import type { ActivityLog } from './log';
import { currentActor } from './actor';
import { describeCommand } from './describe';

const DEFAULT_BY: Record<CommandSource, string> = {
  rest: 'REST',
  socket: 'panel',
  cue: 'cue',
  schedule: 'schedule',
  osc: 'OSC',
  upload: 'upload',
  internal: 'server',
};

/** Changes the technician did not make from the panel raise a notice there, with their reason. */
const NOTICE_OF: Partial<Record<CommandSource, ServerNotice['kind']>> = { schedule: 'schedule', upload: 'upload', osc: 'osc' };

/** Feeds the activity log from the show store, the screens and the pieces' errors; raises the notices. The returned stop also closes the log. */
export function recordActivity(deps: {
  log: ActivityLog;
  store: ShowStore;
  registry: Pick<ScreenRegistry, 'onPresence'>;
  onPieceError: (fn: (screenId: string, err: { installationId: string | null; phase: string; message: string }) => void) => void;
  notices: Notices;
}): () => void {
  const { log, store } = deps;
  const offDispatch = store.onDispatch((e) => {
    const by = currentActor() ?? DEFAULT_BY[e.source];
    const what = describeCommand(e.raw);
    const entry = log.add({ kind: 'command', source: e.source, by, type: e.type, result: e.result, text: e.result === 'ok' ? what : `${what}: refused (${e.error?.message ?? e.result})` });
    const notice = NOTICE_OF[e.source];
    if (notice && e.result === 'ok') deps.notices.add(notice, `${by}: ${entry.text}`);
  });
  const offReplace = store.subscribe((_show: Show, _effects, command) => {
    if (command === null) log.add({ kind: 'show-replaced', by: currentActor() ?? 'import', result: 'ok', text: 'the whole show was replaced (an import or a restore)' });
  });
  const offScreens = deps.registry.onPresence((id, online) =>
    log.add({ kind: 'screen', by: id, result: online ? 'online' : 'offline', text: `screen ${id} ${online ? 'connected' : 'disconnected'}` }),
  );
  deps.onPieceError((screenId, err) => log.add({ kind: 'piece-error', by: screenId, result: err.phase, text: `${err.installationId ?? 'the screen'} failed (${err.phase}) on ${screenId}: ${err.message.slice(0, 200)}` }));
  return () => {
    offDispatch();
    offReplace();
    offScreens();
    log.close();
  };
}
