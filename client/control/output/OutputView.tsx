import { useState } from 'react';
import type { ScreenStatus } from '../../../protocol';
import { useControl } from '../store';
import { Empty, Section } from '../ui';
import { useCalibration } from './calibration';
import { WarpEditor } from './WarpEditor';
import { LevelsSection, PatternSection } from './OutputLevels';

/**
 * The calibration view (docs/projection.md): choose a screen (one in no wall too: a projector is
 * calibrated before it joins a wall), drag its four corners, its mesh grid's points or its mask's
 * points on a picture of its output (sent while dragging, one in flight, the latest winning; the
 * last one sent on release), nudge the chosen point with the arrow keys or the buttons, set blend
 * widths, gamma and levels, show patterns, undo, and copy the settings to another screen. Large
 * targets for a tablet in the dark.
 */
export function OutputView() {
  const screens = useControl((s) => s.show?.screens ?? []);
  const known = screens.filter((s) => s.known);
  const [screenId, setScreenId] = useState<string | null>(null);
  const screen = known.find((s) => s.id === screenId) ?? known[0] ?? null;
  if (!screen) return <Empty>No screens in the show yet: pair one first (Screens).</Empty>;
  return (
    <>
      <Section title="Screen" testId="output-chooser">
        <select value={screen.id} onChange={(e) => setScreenId(e.target.value)} data-testid="output-screen" aria-label="Screen to calibrate" style={{ fontSize: '1.2em', padding: '0.4em' }}>
          {known.map((s) => (
            <option key={s.id} value={s.id}>
              {s.id} {s.wallId ? `(${s.wallId})` : '(no wall)'} {s.connected ? '' : '— offline'}
            </option>
          ))}
        </select>
      </Section>
      <Calibrate key={screen.id} screen={screen} others={known.filter((s) => s.id !== screen.id)} />
    </>
  );
}

function Calibrate({ screen, others }: { screen: ScreenStatus; others: ScreenStatus[] }) {
  const cal = useCalibration(screen);
  const rect = screen.rect ?? { x: 0, y: 0, w: 1920, h: 1080 };
  return (
    <>
      <WarpEditor screen={screen} rect={rect} cal={cal} others={others} />
      <PatternSection screen={screen} />
      <LevelsSection rect={rect} cal={cal} />
    </>
  );
}
