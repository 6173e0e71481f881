// Minimal typings for the benchmark's peers (the packages ship none).
declare module '@ircam/sync' {
  export interface SyncReport {
    status: 'new' | 'startup' | 'training' | 'sync';
    timeOffset: number;
    frequencyRatio: number;
    travelDuration: number;
    travelDurationMin: number;
  }
  export class SyncClient {
    constructor(getTimeFunction: () => number, options?: Record<string, unknown>);
    start(
      send: (pingId: number, clientPingTime: number) => void,
      receive: (cb: (pingId: number, clientPingTime: number, serverPingTime: number, serverPongTime: number) => void) => void,
      report?: (r: SyncReport) => void,
    ): void;
    stop(): void;
    getSyncTime(localTime?: number): number;
    getLocalTime(syncTime?: number): number;
  }
  export class SyncServer {
    constructor(getTimeFunction: () => number);
    start(
      send: (pingId: number, clientPingTime: number, serverPingTime: number, serverPongTime: number) => void,
      receive: (cb: (pingId: number, clientPingTime: number) => void) => void,
    ): void;
  }
}

declare module 'timesync' {
  export interface TimeSync {
    offset: number;
    now(): number;
    on(event: 'change', fn: (offset: number) => void): TimeSync;
    on(event: 'error', fn: (err: unknown) => void): TimeSync;
    on(event: 'sync', fn: (state: 'start' | 'end') => void): TimeSync;
    send: (to: string, data: unknown, timeout: number) => Promise<void>;
    receive: (from: string, data: unknown) => void;
    destroy(): void;
    sync(): void;
  }
  export function create(options: Record<string, unknown>): TimeSync;
}
