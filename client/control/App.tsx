import { useEffect } from 'react';
import { TABS, setTab, useControl } from './store';
import { currentRole } from './session';
import { closeLink, openLink, send, watchThumbnails } from './link';
import { useGlobalGo } from './keys';
import { SignIn } from './SignIn';
import { Header } from './Header';
import { Toasts } from './Toasts';
import { ScreensView } from './screens/ScreensView';
import { WallsView } from './walls/WallsView';
import { PiecesView } from './pieces/PiecesView';
import { CuesView } from './cues/CuesView';
import { ScheduleView } from './schedule/ScheduleView';
import { ArtistsView } from './artists/ArtistsView';
import { BackupsView } from './backups/BackupsView';
import { LogView } from './log/LogView';
import { OutputView } from './output/OutputView';
import { DmxView } from './dmx/DmxView';
import { NodesView } from './nodes/NodesView';

/** The technician's app: sign-in first; then the live show over the /control socket. */
export function App() {
  const phase = useControl((s) => s.phase);
  useEffect(() => {
    let live = true;
    void currentRole().then((role) => {
      if (!live) return;
      if (role === 'technician') {
        useControl.setState({ phase: 'signed-in' });
        openLink();
      } else useControl.setState({ phase: 'signed-out' });
    });
    return () => {
      live = false;
    };
  }, []);
  return (
    <>
      {phase === 'checking' && <div className="splash" aria-busy="true">Pavilion</div>}
      {phase === 'signed-out' && <SignIn />}
      {phase === 'signed-in' && <Shell />}
      <Toasts />
    </>
  );
}

const GLOBAL_KEYS = { go: () => void send({ type: 'cue.go' }, 'GO'), stop: () => void send({ type: 'cue.stop' }, 'Stop waits') };

function Shell() {
  const tab = useControl((s) => s.tab);
  const hasShow = useControl((s) => !!s.show);
  const connected = useControl((s) => s.connected);
  useEffect(() => {
    const update = () => watchThumbnails(tab === 'screens' && document.visibilityState === 'visible');
    update();
    document.addEventListener('visibilitychange', update);
    return () => {
      document.removeEventListener('visibilitychange', update);
      watchThumbnails(false);
    };
  }, [tab]);
  useEffect(() => () => closeLink(), []);
  // The GO key works from every view; the Cues view has its own (with the arrows).
  useGlobalGo(tab !== 'cues' && hasShow, GLOBAL_KEYS);
  return (
    <div className="shell">
      <Header />
      <nav className="tabs" role="tablist" aria-label="Views">
        {TABS.map((t) => (
          <button key={t.id} role="tab" type="button" aria-selected={tab === t.id} className={tab === t.id ? 'active' : ''} onClick={() => setTab(t.id)} data-testid={`tab-${t.id}`}>
            {t.label}
          </button>
        ))}
      </nav>
      <main className="view" data-testid={`view-${tab}`}>
        {!hasShow ? (
          <p className="empty">{connected ? 'Loading the show…' : 'Connecting to the server…'}</p>
        ) : tab === 'screens' ? (
          <ScreensView />
        ) : tab === 'walls' ? (
          <WallsView />
        ) : tab === 'pieces' ? (
          <PiecesView />
        ) : tab === 'cues' ? (
          <CuesView />
        ) : tab === 'artists' ? (
          <ArtistsView />
        ) : tab === 'backups' ? (
          <BackupsView />
        ) : tab === 'log' ? (
          <LogView />
        ) : tab === 'output' ? (
          <OutputView />
        ) : tab === 'dmx' ? (
          <DmxView />
        ) : tab === 'nodes' ? (
          <NodesView />
        ) : (
          <ScheduleView />
        )}
      </main>
    </div>
  );
}
