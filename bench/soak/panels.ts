/**
 * Soak panels (--panels N): N technicians' control panels left open, as a panel stays open all day
 * at a venue. Each is a socket.io client on the real /control channel, signed in with the
 * technician token, that asks for the screens' live thumbnails (control:watch), so the screens
 * capture them every ~3 s and the server relays each to every watching panel, and that takes the
 * show mirror (control:state) as the server throttles it. Counts what arrives and what goes wrong.
 * The panel page itself is not opened: its own memory is not measured here.
 */
import { io, type Socket } from 'socket.io-client';

export interface PanelCounters {
  panels: number;
  connected: number;
  /** control:state mirrors, control:thumbnail pictures (and their data URLs' characters), control:error reports. */
  states: number;
  thumbnails: number;
  thumbnailChars: number;
  pieceErrors: number;
  /** connect_error events: a panel refused or unable to reach the server (counted as errors). */
  connectErrors: number;
  /** Disconnections after the first connection, and connections after one. */
  disconnects: number;
  reconnects: number;
  examples: string[];
}

export class Panels {
  private readonly sockets: Socket[] = [];
  private readonly c: PanelCounters;

  private constructor(n: number) {
    this.c = { panels: n, connected: 0, states: 0, thumbnails: 0, thumbnailChars: 0, pieceErrors: 0, connectErrors: 0, disconnects: 0, reconnects: 0, examples: [] };
  }

  /** Opens `n` panels on `url` (the server's base URL) and waits until each is connected and watching, or 30 s. */
  static async open(url: string, token: string, n: number): Promise<Panels> {
    const p = new Panels(n);
    await Promise.all(Array.from({ length: n }, () => p.one(url, token)));
    return p;
  }

  counters(): PanelCounters {
    return { ...this.c, connected: this.sockets.filter((s) => s.connected).length, examples: [...this.c.examples] };
  }

  close(): void {
    for (const s of this.sockets) s.close();
  }

  private example(s: string): void {
    if (this.c.examples.length < 8 && !this.c.examples.includes(s)) this.c.examples.push(s);
  }

  private one(url: string, token: string): Promise<void> {
    const socket = io(`${url}/control`, { transports: ['websocket'], forceNew: true, auth: { token }, reconnectionDelay: 1000, reconnectionDelayMax: 5000 });
    this.sockets.push(socket);
    let ever = false;
    socket.on('control:state', () => void this.c.states++);
    socket.on('control:thumbnail', (t: { dataUrl?: unknown }) => {
      this.c.thumbnails++;
      if (typeof t.dataUrl === 'string') this.c.thumbnailChars += t.dataUrl.length;
    });
    socket.on('control:error', () => void this.c.pieceErrors++);
    socket.on('connect_error', (e) => {
      this.c.connectErrors++;
      this.example(`panel connect_error: ${e.message}`);
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      this.c.disconnects++;
      this.example(`panel disconnect: ${reason}`);
    });
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 30_000);
      socket.on('connect', () => {
        // Watching is per connection: a panel that reconnects asks again, as the page does.
        socket.emit('control:watch', { thumbnails: true });
        if (ever) this.c.reconnects++;
        ever = true;
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
