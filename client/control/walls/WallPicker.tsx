import { NONE, useControl, useWall } from '../store';

/** Chips to pick the wall that the Walls and Pieces views work on. */
export function WallPicker() {
  const walls = useControl((s) => s.show?.walls ?? NONE);
  const pieces = useControl((s) => s.pieces);
  const current = useWall();
  return (
    <div className="chips" role="tablist" aria-label="Walls">
      {walls.map((w) => {
        const piece = w.installationId ? (pieces.find((p) => p.id === w.installationId)?.title ?? w.installationId) : 'nothing playing';
        return (
          <button
            key={w.id}
            type="button"
            role="tab"
            aria-selected={current?.id === w.id}
            className={`chip${current?.id === w.id ? ' active' : ''}`}
            onClick={() => useControl.setState({ wallId: w.id })}
            data-testid={`pick-wall-${w.id}`}
          >
            <strong>{w.name}</strong>
            {w.screens.length === 0 ? (
              // A wall without screens still "plays": say so where it is listed.
              <span className="small warn-text" data-testid={`wall-no-screen-${w.id}`}>
                no screen{w.installationId ? `: ${piece} shows nowhere` : ''}
              </span>
            ) : (
              <span className="muted small">
                {w.screens.length} screen{w.screens.length === 1 ? '' : 's'} · {piece}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}
