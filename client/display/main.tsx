import { createRoot } from 'react-dom/client';
import { DisplayApp } from './DisplayApp';
import { startSession } from './session';
import { installDiagnostics } from './diagnostics';
import { displayStore } from './store';
import { setAudioClock } from './audio';
import { ID_PATTERN } from '../../protocol/ids';
import '../shared/base.css';
import './display.css';

const root = createRoot(document.getElementById('root')!);
const screenId = new URLSearchParams(location.search).get('screen');

if (!screenId || !ID_PATTERN.test(screenId)) {
  displayStore.setState({
    problem: screenId
      ? `“${screenId}” is not a valid screen id: use lower-case letters, digits and dashes, e.g. /display?screen=main-1.`
      : 'This page drives one screen. Add the screen id to the address, e.g. /display?screen=main-1. The control panel lists every screen.',
  });
  root.render(<ProblemOnly />);
} else {
  const { socket, clock } = startSession(screenId);
  installDiagnostics(clock);
  setAudioClock(clock);
  document.title = `Pavilion · ${screenId}`;
  root.render(<DisplayApp socket={socket} clock={clock} />);
}

function ProblemOnly() {
  const problem = displayStore.getState().problem;
  return (
    <div className="message" role="alert">
      <h1>Pavilion screen</h1>
      <p>{problem}</p>
    </div>
  );
}
