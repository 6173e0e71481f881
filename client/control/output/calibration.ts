import { useEffect, useMemo, useRef, useState } from 'react';
import type { CommandInput, OutputSettings, ScreenStatus } from '../../../protocol';
import { send } from '../link';
import { LatestSender } from './latest';
import { normalize } from './geometry';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export interface Calibration {
  /** The settings as shown: the change in flight, else the server's. */
  current: OutputSettings;
  /** What the last sends came to ('sending…', 'saved', a refusal). */
  status: string;
  /** Shows a change at once and sends it (paced: one in flight, the latest wins). */
  change(patch: OutputSettings, fields: Record<string, unknown>, drop?: Array<keyof OutputSettings>): void;
  /** Waits for the sends to land (a drag released, a nudge): 'saved', or back to the server's state. */
  settle(): Promise<void>;
  /** One undo step: the settings as shown now. */
  remember(): void;
  undoCount: number;
  undo(): void;
  /** Replaces every setting (reset, undo). */
  setAll(o: OutputSettings): void;
}

/**
 * A screen's output settings in the calibration view: a local draft shown at once while changes go
 * to the server paced (LatestSender: a slow projector machine never queues a backlog), the server's
 * state taking over once nothing is on its way, and an undo stack of the settings as shown (the
 * server's mirror can lag a paced drag).
 */
export function useCalibration(screen: ScreenStatus): Calibration {
  const saved: OutputSettings = useMemo(() => screen.output ?? {}, [screen.output]);
  const [draft, setDraft] = useState<OutputSettings | null>(null);
  const [status, setStatus] = useState('');
  const undoStack = useRef<OutputSettings[]>([]);
  const [undoCount, setUndoCount] = useState(0);
  const sender = useMemo(() => new LatestSender<CommandInput>((c) => send(c, `Output of ${screen.id}`)), [screen.id]);
  const current = draft ?? saved;

  // The server's state took over once nothing is on its way (it drops the parts that are the identity).
  useEffect(() => {
    if (draft && !sender.busy && same(normalize(draft), normalize(saved))) setDraft(null);
  }, [saved, draft, sender]);

  const change: Calibration['change'] = (patch, fields, drop = []) => {
    const next = { ...current, ...patch };
    for (const k of drop) delete next[k];
    setDraft(next);
    setStatus('sending…');
    sender.push({ type: 'screen.output', screenId: screen.id, ...fields } as CommandInput);
  };
  const settle = async () => {
    const ok = await sender.settle();
    setStatus(ok ? 'saved' : 'not saved: see the message');
    if (!ok) setDraft(null);
  };
  const remember = () => {
    undoStack.current.push(current);
    if (undoStack.current.length > 50) undoStack.current.shift();
    setUndoCount(undoStack.current.length);
  };
  const setAll = (o: OutputSettings) => {
    const next = { ...o };
    setDraft(next);
    setStatus('sending…');
    sender.push({ type: 'screen.output', screenId: screen.id, reset: true, ...o } as CommandInput);
    void settle();
  };
  const undo = () => {
    const prev = undoStack.current.pop();
    setUndoCount(undoStack.current.length);
    if (prev) setAll(prev);
  };
  return { current, status, change, settle, remember, undoCount, undo, setAll };
}
