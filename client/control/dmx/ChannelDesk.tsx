import { useEffect, useMemo, useRef, useState } from 'react';
import type { DmxOutput } from '../../../protocol';
import { send } from '../link';
import { ConfirmButton } from '../ui';
import { ChannelSender } from './sender';

const CHANNELS = 512;
const BANK = 16;
const PAGES = CHANNELS / BANK;

/**
 * One output's 512 channels: a grid of every channel's level (a tap opens its bank of faders), and
 * a bank of 16 faders that set channels live (`dmx.set`, paced: one in flight, the channels moved
 * meanwhile merged into the next; with the view's fade time when one is set), each with its value
 * and a release (`dmx.release`: back to 0, and an output holding nothing goes quiet).
 */
export function ChannelDesk({ output, held, fadeMs }: { output: DmxOutput; held: Record<string, number>; fadeMs: number | null }) {
  const [page, setPage] = useState(0);
  const [local, setLocal] = useState<Record<string, number>>({});
  const fade = useRef(fadeMs); // read at send time: a fader moved after a change of the fade time takes the new one
  fade.current = fadeMs;
  const sender = useMemo(
    () => new ChannelSender((channels) => send({ type: 'dmx.set', output: output.id, channels, ...(fade.current ? { fadeMs: fade.current } : {}) }, `DMX ${output.id}`)),
    [output.id],
  );
  // The server's values take over once nothing is on its way and they agree.
  useEffect(() => {
    if (sender.busy) return;
    setLocal((l) => {
      const left = Object.fromEntries(Object.entries(l).filter(([ch, v]) => held[ch] !== v));
      return Object.keys(left).length === Object.keys(l).length ? l : left;
    });
  }, [held, sender]);

  const value = (ch: number) => local[ch] ?? held[ch] ?? 0;
  const move = (ch: number, v: number) => {
    setLocal((l) => ({ ...l, [ch]: v }));
    sender.set(ch, v);
  };
  const settle = async () => {
    if (!(await sender.settle())) setLocal({}); // refused: back to what the server holds
  };
  const release = (channels?: number[]) => {
    setLocal((l) => (channels ? Object.fromEntries(Object.entries(l).filter(([ch]) => !channels.includes(Number(ch)))) : {}));
    void send({ type: 'dmx.release', output: output.id, ...(channels ? { channels } : {}) }, channels ? `Release ${output.id} ${channels.join(', ')}` : `Release all of ${output.id}`);
  };
  const first = page * BANK + 1;
  const bank = Array.from({ length: BANK }, (_, i) => first + i);
  const heldCount = Object.keys(held).length;

  return (
    <div className="dmx-desk">
      <div className="dmx-grid" role="grid" aria-label={`Levels of ${output.id}: tap a channel to open its faders`} data-testid={`dmx-grid-${output.id}`}>
        {Array.from({ length: CHANNELS }, (_, i) => {
          const ch = i + 1;
          const v = value(ch);
          const isHeld = held[ch] !== undefined || local[ch] !== undefined;
          return (
            <button
              key={ch}
              type="button"
              role="gridcell"
              className={`dmx-cell${isHeld ? ' held' : ''}${ch >= first && ch < first + BANK ? ' shown' : ''}`}
              style={{ '--level': String(v / 255) } as React.CSSProperties}
              title={`channel ${ch}: ${isHeld ? v : 'released'}`}
              aria-label={`channel ${ch}: ${isHeld ? v : 'released'}`}
              data-testid={`dmx-level-${output.id}-${ch}`}
              data-value={v}
              onClick={() => setPage(Math.floor((ch - 1) / BANK))}
            >
              {isHeld ? v : ''}
            </button>
          );
        })}
      </div>
      <div className="row wrap dmx-bank-head">
        <button type="button" aria-label="Previous 16 channels" disabled={page === 0} onClick={() => setPage(page - 1)}>◀</button>
        <select value={page} onChange={(e) => setPage(Number(e.target.value))} aria-label="Channels shown" data-testid={`dmx-page-${output.id}`}>
          {Array.from({ length: PAGES }, (_, p) => <option key={p} value={p}>channels {p * BANK + 1}–{p * BANK + BANK}</option>)}
        </select>
        <button type="button" aria-label="Next 16 channels" disabled={page === PAGES - 1} onClick={() => setPage(page + 1)}>▶</button>
        <span className="muted small grow">{heldCount ? `${heldCount} channel${heldCount > 1 ? 's' : ''} held` : 'nothing held: the output is quiet'}</span>
        <ConfirmButton testId={`dmx-release-all-${output.id}`} onConfirm={() => release()} confirm="Press again: all to 0">Release all</ConfirmButton>
      </div>
      <div className="dmx-bank">
        {bank.map((ch) => {
          const isHeld = held[ch] !== undefined || local[ch] !== undefined;
          return (
            <div key={ch} className={`dmx-strip${isHeld ? ' held' : ''}`}>
              <output className="mono" data-testid={`dmx-value-${output.id}-${ch}`}>{isHeld ? value(ch) : '—'}</output>
              <input
                type="range"
                className="dmx-fader"
                min={0}
                max={255}
                step={1}
                value={value(ch)}
                aria-label={`${output.id} channel ${ch}`}
                data-testid={`dmx-fader-${output.id}-${ch}`}
                onChange={(e) => move(ch, Number(e.target.value))}
                onPointerUp={() => void settle()}
                onKeyUp={() => void settle()}
              />
              <span className="small">{ch}</span>
              <button type="button" className="ghost" aria-label={`Release ${output.id} channel ${ch}`} disabled={!isHeld} data-testid={`dmx-release-${output.id}-${ch}`} onClick={() => release([ch])}>
                ×
              </button>
            </div>
          );
        })}
      </div>
    </div>
  );
}
