import { useState } from 'react';
import type { ScreenStatus, WallStatus } from '../../../protocol';
import { useControl } from '../store';
import { send } from '../link';
import { Empty, Section } from '../ui';
import { ScreenCard } from './ScreenCard';
import { PendingScreens } from './PendingScreens';
import { placeNext } from './place';

/** Every screen, live, grouped by wall; pages waiting to be paired first, then unassigned screens, ready to adopt. */
export function ScreensView() {
  const show = useControl((s) => s.show)!;
  const unassigned = show.screens.filter((s) => !s.known || !s.wallId || !show.walls.some((w) => w.id === s.wallId));
  return (
    <>
      <PendingScreens show={show} />
      {unassigned.length > 0 && (
        <Section title={`Unassigned (${unassigned.length})`} testId="unassigned">
          <p className="muted">These screens belong to no wall. Adopt each into a wall, then place it in the wall's layout.</p>
          <div className="cards">
            {unassigned.map((s) => (
              <ScreenCard key={s.id} screen={s} walls={show.walls} adopt={<Adopt screen={s} walls={show.walls} />} />
            ))}
          </div>
        </Section>
      )}
      {show.walls.map((w) => {
        const screens = show.screens.filter((s) => s.known && s.wallId === w.id);
        return (
          <Section key={w.id} title={<>{w.name} <span className="muted small">{w.id}</span></>} testId={`wall-screens-${w.id}`}>
            {screens.length ? (
              <div className="cards">
                {screens.map((s) => (
                  <ScreenCard key={s.id} screen={s} walls={show.walls} />
                ))}
              </div>
            ) : (
              <Empty>No screens in this wall yet{w.installationId ? `: what it plays (${w.installationId}) shows nowhere` : ''}. Add them in Walls → Layout, or adopt one above.</Empty>
            )}
          </Section>
        );
      })}
      {!show.screens.length && !show.pending.length && (
        <Empty>No screen yet. Open /display?screen=&lt;id&gt; on each screen's browser: it shows a code to approve here.</Empty>
      )}
    </>
  );
}

function Adopt({ screen, walls }: { screen: ScreenStatus; walls: WallStatus[] }) {
  const [wallId, setWallId] = useState(walls[0]?.id ?? '');
  if (!walls.length) return <p className="muted small">Create a wall first (Walls tab).</p>;
  return (
    <div className="row adopt">
      <select value={wallId} onChange={(e) => setWallId(e.target.value)} aria-label={`Wall for ${screen.id}`} data-testid={`adopt-wall-${screen.id}`}>
        {walls.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </select>
      <button type="button" className="primary" data-testid={`adopt-${screen.id}`} onClick={() => void adopt(screen.id, walls.find((w) => w.id === wallId) ?? null)}>
        Adopt
      </button>
    </div>
  );
}

/** Assigns a screen to a wall, placed to the right of the wall's screens so it does not cover them. */
async function adopt(screenId: string, wall: WallStatus | null): Promise<void> {
  if (!wall) return;
  await send({ type: 'screen.assign', screenId, wallId: wall.id, rect: placeNext(useControl.getState().show, wall) }, `Adopt ${screenId}`);
}
