import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Server, type ServerOptions } from 'socket.io';
import { pavilionParser } from './encoder';

/** The app's socket.io server: namespaces /display, /control and /visitor are attached to it. */
export type IoServer = Server;

/**
 * Creates the socket.io server on the app's HTTP(S) server, with the settings every namespace
 * relies on: no compression (docs: keep perMessageDeflate off), bounded payloads, no CORS, and a
 * ping that notices a dropped phone within 18 s. `cluster` (multi-node mode) adds the adapter.
 */
export function createIo(server: HttpServer | HttpsServer, cluster: Partial<Pick<ServerOptions, 'adapter' | 'connectionStateRecovery'>> = {}): IoServer {
  return new Server(server, {
    // Multi-node mode only (server/cluster/): the Redis streams adapter, with connection-state recovery.
    ...cluster,
    perMessageDeflate: false,
    parser: pavilionParser, // the standard wire format; input frames skip the search for binary
    maxHttpBufferSize: 256 * 1024,
    serveClient: false,
    cors: { origin: false },
    pingInterval: 10_000,
    pingTimeout: 8_000,
  });
}

/** Closes every socket and the server; resolves once it is done. */
export function closeIo(io: IoServer): Promise<void> {
  return new Promise<void>((resolve) => io.close(() => resolve()));
}
