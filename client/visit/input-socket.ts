import { VISITOR_INPUT_PATH, INPUT_CLOSE, decodeAnswerFrame, isReadyFrame, type AnswerFrame } from '../../protocol/plain';

/*
 * The phone's input socket (issue 16; protocol/visitor-input.ts): a plain WebSocket beside the
 * `/visitor` socket.io session, opened with a ticket the session handed over, carrying input frames
 * out and folded answers back, with nothing of socket.io's on either side. Used only once the
 * server said it bound the socket to the session (its ready frame): until then, and whenever it
 * cannot open or drops (a venue proxy that refuses it, a tunnel), inputs go over the session as
 * before (wire.ts), and it tries again with backoff and a new ticket.
 */

/** What InputSocket needs of a WebSocket (the browser's; fakes in tests). */
export interface InputWebSocket {
  binaryType: string;
  readonly bufferedAmount: number;
  onopen: ((e: unknown) => void) | null;
  onclose: ((e: { code?: number; reason?: string }) => void) | null;
  onerror: ((e: unknown) => void) | null;
  onmessage: ((e: { data: unknown }) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

export interface InputSocketDeps {
  /** ws(s)://host of the page. */
  origin: string;
  make(url: string): InputWebSocket;
  /** A fresh ticket from the session (visitor:ticket), or null when it gives none. */
  ticket(): Promise<string | null>;
  /** A folded answer that came on the socket. */
  answer(a: AnswerFrame): void;
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(h: unknown): void;
  /** It became usable, or stopped being so (the page's diagnostics). */
  changed?(ready: boolean): void;
}

/**
 * Unanswered this long on the socket, it is taken for dead (a silent drop: a NAT that forgot it) and
 * dropped. The server answers a sending phone at least once a second (server/visitors/acks.ts);
 * twice the sender's own time-out, so that a server that is only slow is not left for the dearer path.
 */
const DEAD_AFTER_MS = 6000;
/** Bytes waiting in the socket beyond which it is taken for stuck. */
const STUCK_BYTES = 16 * 1024;
const backoff = (attempt: number) => Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)) * (0.75 + Math.random() * 0.5);

export class InputSocket {
  private ws: InputWebSocket | null = null;
  private isReady = false;
  private wanted = false;
  private attempt = 0;
  private retryTimer: unknown = null;
  /** When the oldest input not yet followed by an answer went out on the socket (null: none). */
  private waitingSince: number | null = null;
  /** Opens that failed or dropped since the last one that worked (the page's diagnostics). */
  failures = 0;

  constructor(private readonly deps: InputSocketDeps) {}

  /** Whether inputs go on the socket now. */
  get ready(): boolean {
    return this.isReady;
  }

  /** The session joined and handed a ticket: open with it (replacing any socket open). */
  start(ticket: string | null | undefined): void {
    this.wanted = true;
    this.attempt = 0;
    this.clearRetry();
    if (ticket) this.open(ticket);
    else this.retry();
  }

  /** The session dropped: so does the socket, until the next join. */
  stop(): void {
    this.wanted = false;
    this.clearRetry();
    this.drop();
  }

  /** Sends one input frame on the socket; false when it is not usable (send it over the session then). */
  send(frame: Uint8Array): boolean {
    const ws = this.ws;
    if (!this.isReady || !ws) return false;
    const now = this.deps.now();
    if ((this.waitingSince !== null && now - this.waitingSince > DEAD_AFTER_MS) || ws.bufferedAmount > STUCK_BYTES) {
      this.lost();
      return false;
    }
    try {
      ws.send(frame);
    } catch {
      this.lost();
      return false;
    }
    if (this.waitingSince === null) this.waitingSince = now;
    return true;
  }

  private open(ticket: string): void {
    this.drop();
    let ws: InputWebSocket;
    try {
      ws = this.deps.make(`${this.deps.origin}${VISITOR_INPUT_PATH}?t=${encodeURIComponent(ticket)}`);
    } catch {
      return this.retry();
    }
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (e) => {
      if (this.ws !== ws || !(e.data instanceof ArrayBuffer)) return;
      const bytes = new Uint8Array(e.data);
      if (isReadyFrame(bytes)) {
        this.waitingSince = null;
        return this.setReady(true);
      }
      const a = decodeAnswerFrame(bytes);
      if (!a) return;
      this.waitingSince = null;
      this.attempt = 0;
      this.failures = 0;
      this.deps.answer(a);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.setReady(false);
      this.failures++;
      // The session ended or a newer socket took over: the next join hands a new ticket.
      if (e.code === INPUT_CLOSE.sessionEnded || e.code === INPUT_CLOSE.replaced) return;
      this.retry();
    };
    ws.onerror = () => {};
  }

  /** It stopped answering: drop it and try again later. */
  private lost(): void {
    this.failures++;
    this.drop();
    this.retry();
  }

  private drop(): void {
    const ws = this.ws;
    this.ws = null;
    this.waitingSince = null;
    this.setReady(false);
    if (!ws) return;
    ws.onclose = ws.onmessage = null;
    // Kept, not cleared: closing a socket that is still connecting reports an error afterwards, and a
    // WebSocket without an error listener (Node's ws, where the bench's phones run this class) throws it.
    ws.onerror = () => {};
    try {
      ws.close(1000, 'done');
    } catch {
      /* already closed */
    }
  }

  private setReady(ready: boolean): void {
    if (this.isReady === ready) return;
    this.isReady = ready;
    this.deps.changed?.(ready);
  }

  private retry(): void {
    if (!this.wanted || this.retryTimer !== null) return;
    this.retryTimer = this.deps.setTimeout(() => {
      this.retryTimer = null;
      if (!this.wanted) return;
      this.deps.ticket().then(
        (t) => {
          if (!this.wanted) return;
          if (t) this.open(t);
          else this.retry();
        },
        () => this.retry(),
      );
    }, backoff(this.attempt++));
  }

  private clearRetry(): void {
    if (this.retryTimer === null) return;
    this.deps.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
