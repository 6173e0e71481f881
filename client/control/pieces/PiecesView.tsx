import { useMemo, useState } from 'react';
import { epochOfLocal, localTime, nextDay } from '../../../protocol';
import type { PieceSummary, Transition, WallStatus } from '../../../protocol';
import { NO_PRESETS, useControl, useWall } from '../store';
import { send, toShowTime } from '../link';
import { Empty, Section } from '../ui';
import { WallPicker } from '../walls/WallPicker';
import { ParamControls } from './ParamControls';
import { Presets } from './Presets';
import { toast } from '../store';
import { TransitionPicker } from './TransitionPicker';

/** Play pieces on a wall, now or later; tune the playing piece's params; presets. */
export function PiecesView() {
  const wall = useWall();
  const pieces = useControl((s) => s.pieces);
  const playing = wall?.installationId ? pieces.find((p) => p.id === wall.installationId) : undefined;
  // How the next piece played from here comes in (undefined: the wall's default).
  const [transition, setTransition] = useState<Transition | undefined>(undefined);
  return (
    <>
      <Section title="Wall">
        <WallPicker />
      </Section>
      {!wall ? (
        <Empty>Create a wall first (Walls tab).</Empty>
      ) : (
        <>
          <Section title={<>Now on {wall.name}: <span data-testid="now-playing">{playing?.title ?? wall.installationId ?? 'nothing'}</span></>} actions={<Transport wall={wall} />}>
            {playing ? (
              <>
                <ParamControls key={`${wall.id}/${playing.id}`} wall={wall} piece={playing} />
                <Presets wall={wall} piece={playing} />
              </>
            ) : (
              <Empty>{wall.installationId ? `Piece '${wall.installationId}' is not installed.` : 'Pick a piece below to play it on this wall.'}</Empty>
            )}
          </Section>
          <Section
            title="Pieces"
            actions={
              <label className="row">
                <span className="muted small">Comes in with</span>
                <TransitionPicker value={transition} onChange={setTransition} fallback={wall.defaultTransition ?? null} testId="play-transition" />
              </label>
            }
          >
            <div className="cards pieces">
              {pieces.map((p) => (
                <PieceCard key={p.id} piece={p} wall={wall} transition={transition} />
              ))}
            </div>
            {!pieces.length && <Empty>No pieces are installed. Add folders under installations/ (see docs/artist-guide.md).</Empty>}
          </Section>
        </>
      )}
    </>
  );
}

function Transport({ wall }: { wall: WallStatus }) {
  if (!wall.installationId) return null;
  return (
    <div className="row">
      {wall.pausedAt === null ? (
        <button type="button" onClick={() => void send({ type: 'wall.pause', wallId: wall.id }, 'Pause')}>
          Pause
        </button>
      ) : (
        <button type="button" className="primary" onClick={() => void send({ type: 'wall.resume', wallId: wall.id }, 'Resume')}>
          Resume
        </button>
      )}
      <button type="button" onClick={() => void send({ type: 'wall.stop', wallId: wall.id }, 'Stop')} data-testid="wall-stop">
        Stop
      </button>
    </div>
  );
}

/** HH:MM[:SS] today in the show's time zone (its schedule's) as a show time; tomorrow if it has passed. */
function showTimeAt(hhmm: string, zone: string): number | null {
  const m = /^(\d\d):(\d\d)(?::(\d\d))?$/.exec(hhmm);
  if (!m) return null;
  try {
    const here = Date.now();
    let day = localTime(here, zone).day;
    let t = epochOfLocal(day, `${m[1]}:${m[2]}`, zone) + Number(m[3] ?? 0) * 1000;
    if (t < here) {
      day = nextDay(day);
      t = epochOfLocal(day, `${m[1]}:${m[2]}`, zone) + Number(m[3] ?? 0) * 1000;
    }
    return toShowTime(t);
  } catch {
    return null; // not a time zone: the schedule's view says so
  }
}

function PieceCard({ piece, wall, transition }: { piece: PieceSummary; wall: WallStatus; transition: Transition | undefined }) {
  const byName = useControl((s) => s.show?.presets[piece.id] ?? NO_PRESETS);
  const presets = useMemo(() => Object.keys(byName), [byName]);
  const [preset, setPreset] = useState('');
  const [later, setLater] = useState(false);
  const [time, setTime] = useState('');
  const current = wall.installationId === piece.id;
  const zone = useControl((s) => s.show?.schedule.timezone ?? 'UTC');
  const play = (at?: number) =>
    void send(
      { type: 'wall.play', wallId: wall.id, installationId: piece.id, ...(preset && presets.includes(preset) ? { preset } : {}), ...(transition ? { transition } : {}), ...(at !== undefined ? { at } : {}) },
      `Play ${piece.title}`,
    ).then((ok) => {
      if (ok && at !== undefined) {
        toast('ok', `${piece.title} will start on ${wall.name}`, `at ${new Date(at - (toShowTime(Date.now()) - Date.now())).toLocaleTimeString('en-GB', { timeZone: zone })} (${zone})`);
        setLater(false);
      }
    });
  return (
    <article className={`card piece${current ? ' current' : ''}`} data-testid={`piece-${piece.id}`}>
      <header className="card-head">
        <strong>{piece.title}</strong>
        <span className="muted small">
          {piece.artist} · v{piece.version}
          {piece.source === 'uploaded' ? ' · uploaded' : ''}
        </span>
      </header>
      <p className="desc">{piece.description}</p>
      {presets.length > 0 && (
        <label className="field">
          <span>Preset</span>
          <select value={preset} onChange={(e) => setPreset(e.target.value)} data-testid={`play-preset-${piece.id}`}>
            <option value="">Defaults</option>
            {presets.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="row actions">
        <button type="button" className="primary" onClick={() => play()} data-testid={`play-${piece.id}`}>
          {current ? 'Restart' : 'Play now'}
        </button>
        <button type="button" aria-expanded={later} onClick={() => setLater((v) => !v)}>
          Play at…
        </button>
      </div>
      {later && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            const at = showTimeAt(time, zone);
            if (at === null) return toast('error', 'Play at: pick a time', 'Enter the time of day at which the piece should start.');
            play(at);
          }}
        >
          <input type="time" step={1} required value={time} onChange={(e) => setTime(e.target.value)} aria-label={`Start time (${zone})`} data-testid={`play-at-${piece.id}`} />
          <span className="muted small">{zone}</span>
          <button type="submit" className="primary">
            Schedule
          </button>
        </form>
      )}
    </article>
  );
}
