import '../shared/zod-config';
import { createRoot } from 'react-dom/client';
import { screenDiagnostics } from '../host';
import { StageBridge } from './bridge';
import { startStageScreen } from './screen';
import { startDiag } from './diag';
import { ScreenApp } from './ScreenApp';
import { startStagePreview } from './preview';
import { PreviewStage } from './PreviewStage';
import { registerOffline } from '../shared/offline';
import { outputDiag } from '../output/diag';
import '../shared/base.css';
import './stage.css';

/*
 * The stage: where pieces run, in a frame of the stage origin (docs/security.md, "The stage
 * origin"). It holds no credential and can reach nothing but its own origin's files; the page
 * that embeds it (/display) starts it over the bridge and relays everything else.
 */
const root = createRoot(document.getElementById('root')!);
const bridge = new StageBridge();
let started = false;

bridge.on('start', ({ mode, screenId }) => {
  if (started) return; // a new channel after the page's own reconnect: the stage keeps running
  started = true;
  if (mode === 'preview') {
    const preview = startStagePreview(bridge);
    startDiag(bridge, preview.host, { ready: () => !!preview.host.snapshot().run?.module, soundBlocked: () => false });
    root.render(<PreviewStage preview={preview} />);
    return;
  }
  if (!screenId) return;
  void registerOffline({ page: 'stage' }); // a screen's stage plays on from its cache when the server is away
  const screen = startStageScreen(bridge, screenId);
  const { host, store, clock } = screen;
  // In the frame, the same read-only diagnostics the page mirrors (docs/display.md).
  Object.defineProperty(window, '__pavilion', {
    value: screenDiagnostics(
      host,
      {
        screenId: () => screenId,
        wallId: () => store.getState().view?.screen.wallId ?? null,
        params: () => store.getState().view?.wall?.params ?? null,
        connected: () => bridge.connected,
      },
      clock,
    ),
    configurable: false,
    writable: false,
  });
  startDiag(bridge, host, { ready: () => clock.synced, soundBlocked: () => store.getState().soundBlocked, output: () => outputDiag(store.getState().view), xr: () => screen.xr?.station.diag() });
  // Nothing renders before the first clock answer: a switch is timed in show time.
  void clock.ready().then(() => root.render(<ScreenApp screen={screen} />));
});
