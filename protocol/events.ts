import type { Ack } from './errors';
import type { DisplayHealth, DisplayView, PieceError, ShowView, PieceSummary } from './views';
import type { VisitorFrame, VisitorView, VisitorInputMessage } from './visitors';

/** Clock ping: the client's send time; the reply is [t0, serverReceive, serverSend]. */
export type ClockPing = (t0: number, ack: (reply: [number, number, number]) => void) => void;

export interface DisplayClientToServer {
  'display:hello': (payload: unknown, ack: (res: Ack<{ view: DisplayView }>) => void) => void;
  'display:health': (payload: unknown) => void;
  'display:error': (payload: unknown) => void;
  'display:preloaded': (payload: unknown) => void;
  'display:thumbnail': (payload: unknown) => void;
  'clock:ping': ClockPing;
}
export interface DisplayServerToClient {
  'display:view': (view: DisplayView) => void;
  'screen:identify': (payload: { until: number }) => void;
  'screen:reload': () => void;
  'screen:thumbnails': (payload: { want: boolean }) => void;
  'visitors:frame': (frame: VisitorFrame) => void;
  'pieces:changed': (payload: { pieces: PieceSummary[] }) => void;
  'error:notice': (payload: { code: string; message: string }) => void;
}

export interface ControlClientToServer {
  command: (payload: unknown, ack: (res: Ack<{ version: number; result?: unknown }>) => void) => void;
  'control:watch': (payload: unknown) => void;
  'clock:ping': ClockPing;
}
export interface ControlServerToClient {
  'control:state': (view: ShowView) => void;
  'control:pieces': (payload: { pieces: PieceSummary[] }) => void;
  'control:thumbnail': (payload: { screenId: string; dataUrl: string; at: number }) => void;
  'control:error': (payload: PieceError & { screenId: string }) => void;
}

export interface VisitorClientToServer {
  'visitor:join': (payload: unknown, ack: (res: Ack<{ view: VisitorView }>) => void) => void;
  /** `pace`: while the server is behind, the least ms between two sends it asks of the phone. */
  'visitor:input': (payload: unknown, ack: (res: Ack<{ seq: number; pace?: number }>) => void) => void;
  'clock:ping': ClockPing;
}
export interface VisitorServerToClient {
  'visitor:view': (view: VisitorView) => void;
  /** The server ends this visitor's session: kicked by the staff, or the same visitor opened the wall elsewhere. */
  'visitor:kicked': (payload: { message: string; reason: 'kick' | 'replaced' }) => void;
}

export type { VisitorInputMessage };
