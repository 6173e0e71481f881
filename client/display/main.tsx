import '../shared/zod-config';
import { createRoot } from 'react-dom/client';
import { ID_PATTERN } from '../../protocol/ids';
import { DisplayApp } from './DisplayApp';
import { startScreen } from './session';
import { mirrorDiagnostics } from './mirror';
import { registerOffline } from '../shared/offline';
import { becameScreen } from './credentials';
import '../shared/base.css';
import './display.css';

const root = createRoot(document.getElementById('root')!);
const query = new URLSearchParams(location.search);
const screenId = query.get('screen');
const became = screenId && !query.get('key') ? becameScreen(screenId) : null; // an address with its own key wins

if (became) {
  // A technician approved this page as another screen (a replacement): open as that one.
  location.replace(`${location.pathname}?screen=${encodeURIComponent(became)}`);
} else if (!screenId || !ID_PATTERN.test(screenId)) {
  const problem = screenId
    ? `“${screenId}” is not a valid screen id: use lower-case letters, digits and dashes, e.g. /display?screen=main-1.`
    : 'This page drives one screen. Add the screen id to the address, e.g. /display?screen=main-1. The control panel lists every screen.';
  root.render(<ProblemOnly problem={problem} />);
} else {
  const screen = startScreen(screenId, query.get('key'));
  // window.__pavilion: read-only diagnostics for automation and technicians (docs/display.md).
  const diagnostics = mirrorDiagnostics(screen);
  Object.defineProperty(window, '__pavilion', { value: diagnostics, configurable: false, writable: false });
  document.title = `Pavilion · ${screenId}`;
  void registerOffline({ page: 'display' });
  root.render(<DisplayApp screen={screen} />);
}

function ProblemOnly({ problem }: { problem: string }) {
  return (
    <div className="message" role="alert">
      <h1>Pavilion screen</h1>
      <p>{problem}</p>
    </div>
  );
}
