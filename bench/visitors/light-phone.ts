/**
 * A light phone for the benchmark: one raw WebSocket (`ws`) speaking socket.io's real wire format
 * on one namespace, and nothing more. What socket.io-client does for a phone, minus its layers:
 *   engine.io v4 (websocket transport): `0{…}` open, `2` ping → `3` pong, `1` close, `4…` message;
 *   socket.io v5 packets in an engine.io message: `<type>[/nsp,][id][json]`, types 0 CONNECT,
 *   1 DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR (binary types 5, 6 are not used on /visitor).
 * The handshake: the server's open packet, then `40/visitor,` and the server's `40/visitor,{"sid"}`
 * (or `44/visitor,{"message"}` when its middleware refuses). Emits are `42/visitor,["event",payload]`,
 * with an ack id between the comma and the array when an answer is wanted (`43/visitor,<id>[answer]`).
 * Phone inputs may also go as binary input frames (protocol/visitor-wire.ts): one binary WebSocket
 * frame is one binary engine.io message (no prefix over a WebSocket in engine.io v4), as the phone
 * page's socket.io-client sends them (`sendFrame`).
 * No reconnection, no polling, no buffering while disconnected: a bench phone that drops is counted.
 */
import WebSocket from 'ws';

export interface SioPacket {
  type: number;
  nsp: string;
  id: number | null;
  data: unknown;
}

/** One engine.io message's socket.io packet, or null when it is not one (a parse error). */
export function parseSioPacket(text: string): SioPacket | null {
  const type = text.charCodeAt(0) - 48;
  if (!(type >= 0 && type <= 6)) return null;
  let i = 1;
  let nsp = '/';
  if (text.charCodeAt(i) === 47 /* / */) {
    const comma = text.indexOf(',', i);
    if (comma < 0) {
      nsp = text.slice(i);
      i = text.length;
    } else {
      nsp = text.slice(i, comma);
      i = comma + 1;
    }
  }
  let id: number | null = null;
  const start = i;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i > start) id = Number(text.slice(start, i));
  let data: unknown = undefined;
  if (i < text.length) {
    try {
      data = JSON.parse(text.slice(i));
    } catch {
      return null;
    }
  }
  return { type, nsp, id, data };
}

/** The engine.io message that carries socket.io packet `type` on `nsp` (an ack `id` when asked). */
export function sioFrame(type: number, nsp: string, data?: unknown, id?: number): string {
  return `4${type}${nsp === '/' ? '' : `${nsp},`}${id ?? ''}${data === undefined ? '' : JSON.stringify(data)}`;
}

export interface LightPhoneOptions {
  /** Whole handshake (WebSocket open to namespace connected), ms. */
  timeoutMs?: number;
}

export class LightPhone {
  /** Server events (`42`) on the namespace. */
  onEvent: (event: string, payload: unknown) => void = () => {};
  onClose: (why: string) => void = () => {};
  connected = false;
  /** Pings answered (engine.io heartbeats). */
  pongs = 0;
  private nextId = 0;
  private readonly acks = new Map<number, (answer: unknown) => void>();
  private readonly prefix: string;

  private constructor(
    private readonly ws: WebSocket,
    readonly nsp: string,
  ) {
    this.prefix = `42${nsp === '/' ? '' : `${nsp},`}`;
  }

  /** Opens the WebSocket to `url` (http://host:port) and connects to namespace `nsp`. */
  static connect(url: string, nsp = '/visitor', opts: LightPhoneOptions = {}): Promise<LightPhone> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    const phone = new LightPhone(ws, nsp);
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (err: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          ws.terminate();
          reject(err);
        } else resolve(phone);
      };
      const timer = setTimeout(() => settle(new Error(`light phone: no handshake within ${opts.timeoutMs ?? 20_000} ms`)), opts.timeoutMs ?? 20_000);
      ws.on('error', (e) => settle(e));
      ws.on('close', (code) => {
        phone.connected = false;
        settle(new Error(`light phone: closed during the handshake (${code})`));
        phone.onClose(`closed (${code})`);
      });
      ws.on('message', (raw, isBinary) => {
        if (isBinary) return; // nothing binary on /visitor
        const text = raw.toString();
        switch (text.charCodeAt(0)) {
          case 48 /* 0 open */:
            ws.send(sioFrame(0, nsp));
            return;
          case 50 /* 2 ping */:
            phone.pongs++;
            ws.send('3');
            return;
          case 49 /* 1 close */:
            ws.close();
            return;
          case 52 /* 4 message */: {
            const p = parseSioPacket(text.slice(1));
            if (!p || p.nsp !== nsp) return;
            if (p.type === 0) {
              phone.connected = true;
              settle(null);
            } else if (p.type === 4) settle(new Error(`light phone: refused: ${(p.data as { message?: string } | undefined)?.message ?? 'no reason'}`));
            else phone.onPacket(p);
            return;
          }
        }
      });
    });
  }

  private onPacket(p: SioPacket): void {
    if (p.type === 2 && Array.isArray(p.data) && typeof p.data[0] === 'string') this.onEvent(p.data[0], p.data[1]);
    else if (p.type === 3 && p.id !== null) {
      const done = this.acks.get(p.id);
      if (!done) return;
      this.acks.delete(p.id);
      done(Array.isArray(p.data) ? p.data[0] : undefined);
    } else if (p.type === 1) {
      this.connected = false;
      this.ws.close();
    }
  }

  /** `42/nsp,["event",payload]`: no answer wanted. */
  emit(event: string, payload: unknown): void {
    if (this.connected) this.ws.send(`${this.prefix}${JSON.stringify([event, payload])}`);
  }

  /** `42/nsp,<id>["event",payload]`: `done` gets the server's answer (never called if none comes). */
  emitWithAck(event: string, payload: unknown, done: (answer: unknown) => void): void {
    if (!this.connected) return;
    const id = this.nextId++;
    this.acks.set(id, done);
    this.ws.send(`${this.prefix}${id}${JSON.stringify([event, payload])}`);
  }

  /** One binary engine.io message: an input frame (protocol/visitor-wire.ts), or any bytes (tests). */
  sendFrame(bytes: Uint8Array): void {
    if (this.connected) this.ws.send(bytes);
  }

  /** One engine.io text message as is (tests: malformed frames). */
  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** Answers waiting (emitWithAck). */
  get waiting(): number {
    return this.acks.size;
  }

  close(): void {
    this.connected = false;
    this.acks.clear();
    this.ws.close();
  }
}
