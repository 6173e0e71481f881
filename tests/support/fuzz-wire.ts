import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';

/*
 * Raw clients for the fuzz suite: engine.io/socket.io frames written by hand over a real
 * WebSocket (the `ws` package socket.io itself runs on), engine.io's polling transport, HTTP
 * requests with any header, and bytes on a bare TCP socket. None of them validates what it sends.
 */

/** An engine.io WebSocket whose frames are written by hand (protocol 4: `4` + socket.io packet). */
export interface RawSocket {
  /** Text frames received, in order (binary frames as `<binary n>`). */
  readonly received: string[];
  readonly closed: boolean;
  send(frame: string | Buffer): void;
  /**
   * The first frame from index `from` of `received` on (0: every frame, seen or to come) that
   * `pred` accepts; null once the socket is closed, or after `deadlineMs`.
   */
  waitFor(pred: (frame: string) => boolean, opts?: { from?: number; deadlineMs?: number }): Promise<string | null>;
  close(): Promise<void>;
}

/**
 * Opens `ws://…/socket.io/?EIO=4&transport=websocket` and waits for engine.io's open packet; null
 * when the server refuses the upgrade. Pings are answered, so a socket lives as long as needed.
 */
export function openRaw(base: string, headers: Record<string, string>, query = 'EIO=4&transport=websocket'): Promise<RawSocket | null> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/socket.io/?${query}`, { headers, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
  const received: string[] = [];
  const waiters = new Set<() => void>();
  let closed = false;
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  ws.on('error', () => {
    /* a refused upgrade or a reset: seen as a close */
  });
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? `<binary ${(data as Buffer).length}>` : data.toString();
    if (text === '2') ws.send('3');
    received.push(text);
    wake();
  });
  ws.on('close', () => {
    closed = true;
    wake();
  });
  const socket: RawSocket = {
    received,
    get closed() {
      return closed;
    },
    send(frame) {
      if (!closed && ws.readyState === WebSocket.OPEN) ws.send(frame);
    },
    waitFor(pred, { from = 0, deadlineMs = 10_000 } = {}) {
      return new Promise((resolve) => {
        let seen = from;
        const check = () => {
          for (; seen < received.length; seen++) if (pred(received[seen]!)) return finish(received[seen]!);
          if (closed) finish(null);
        };
        const timer = setTimeout(() => finish(null), deadlineMs);
        const finish = (v: string | null) => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(v);
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      return new Promise((resolve) => {
        if (closed) return resolve();
        ws.once('close', () => resolve());
        ws.terminate();
      });
    },
  };
  return socket.waitFor((f) => f.startsWith('0{')).then(async (open) => {
    if (open) return socket;
    await socket.close();
    return null;
  });
}

/** A socket.io packet on a namespace: type, optional attachments, ack id and JSON payload. */
export function packet(type: number | string, nsp: string, opts: { id?: number; data?: string; attachments?: number } = {}): string {
  const att = opts.attachments !== undefined ? `${opts.attachments}-` : '';
  const ns = nsp === '/' ? '' : `${nsp},`;
  return `4${type}${att}${ns}${opts.id ?? ''}${opts.data ?? ''}`;
}

/** Connects the raw socket to a namespace; true once connected, false when refused or closed. */
export async function joinNamespace(s: RawSocket, nsp: string, auth?: string): Promise<boolean> {
  s.send(packet(0, nsp, { data: auth ?? '' }));
  const reply = await s.waitFor((f) => f.startsWith(`40${nsp},`) || f.startsWith(`44${nsp},`) || (nsp === '/' && (f.startsWith('40{') || f.startsWith('44{'))));
  return reply !== null && reply.startsWith('40');
}

/** The ack frame for `id` on `nsp`, parsed (the server's answer), or null when none came. */
export async function ackFrame(s: RawSocket, nsp: string, id: number): Promise<unknown[] | null> {
  const prefix = `43${nsp === '/' ? '' : `${nsp},`}${id}[`;
  const frame = await s.waitFor((f) => f.startsWith(prefix));
  return frame === null ? null : (JSON.parse(frame.slice(prefix.length - 1)) as unknown[]);
}

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface RequestOptions {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer | undefined;
  agent?: http.Agent;
  /** Gives up (status 0) after this long: for long-polling GETs that may wait for a ping. */
  deadlineMs?: number;
}

/**
 * One HTTP request with any method, path and (valid-character) headers. Status 0: the server
 * closed the connection, or the deadline passed; -1: the HTTP client refused to send it.
 */
export function request(base: string, o: RequestOptions): Promise<HttpAnswer> {
  const url = new URL(base);
  return new Promise((resolve) => {
    let req: http.ClientRequest;
    let timer: NodeJS.Timeout | undefined;
    const done = (a: HttpAnswer) => {
      if (timer) clearTimeout(timer);
      resolve(a);
    };
    try {
      req = http.request({ host: url.hostname, port: url.port, method: o.method, path: o.path, headers: o.headers, agent: o.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', () => done({ status: res.statusCode ?? 0, body: '' }));
      });
    } catch {
      return done({ status: -1, body: 'the HTTP client refused to send it' });
    }
    req.on('error', () => done({ status: 0, body: '' }));
    if (o.deadlineMs !== undefined) timer = setTimeout(() => req.destroy(), o.deadlineMs);
    req.end(o.body);
  });
}

/** Writes raw bytes to the server's TCP port and resolves with what came back once it closes (or after `deadlineMs`). */
export function rawTcp(base: string, bytes: string | Buffer, deadlineMs = 3000): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sock = net.connect({ host: url.hostname, port: Number(url.port) });
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, deadlineMs);
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', done);
    sock.on('close', done);
    sock.on('connect', () => sock.end(bytes));
  });
}
