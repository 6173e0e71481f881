/**
 * Types for the parts of `osc` 2.4.5 (osc.js, no types of its own) that Pavilion uses: the packet
 * codec, time tags and its own UDP and TCP (SLIP) ports. Read with `metadata: true`, every
 * argument carries its OSC type tag.
 */
declare module 'osc' {
  /** One argument with its type tag: i int32, f float32, d float64, s string, T/F booleans, h int64 (a Long-like). */
  export interface OscArg {
    type: string;
    value: unknown;
  }
  export interface TimeTag {
    /** NTP seconds and fraction; [0, 1] means "immediately". */
    raw: [number, number];
    /** Milliseconds since the Unix epoch (Date.now() for "immediately"); set by readPacket, not by timeTag(). */
    native?: number;
  }
  export interface OscMessage {
    address: string;
    args: OscArg[];
  }
  export interface OscBundle {
    timeTag: TimeTag;
    packets: OscPacket[];
  }
  export type OscPacket = OscMessage | OscBundle;
  export interface CodecOptions {
    metadata?: boolean;
    unpackSingleArgs?: boolean;
  }

  export function readPacket(data: Uint8Array, options?: CodecOptions): OscPacket;
  export function writePacket(packet: OscPacket, options?: CodecOptions): Uint8Array;
  /** A time tag `secs` seconds from now (or from `now`, ms). */
  export function timeTag(secs?: number, now?: number): TimeTag;

  interface PortEvents {
    ready: [];
    open: [unknown];
    close: [];
    error: [unknown];
    /** Every decoded packet (message or bundle), with the sender for UDP. */
    osc: [OscPacket, { address: string; port: number } | undefined];
    /** Every message, also those inside bundles, with its bundle's time tag. */
    message: [OscMessage, TimeTag | undefined, { address: string; port: number } | undefined];
    bundle: [OscBundle, TimeTag | undefined, unknown];
    data: [Uint8Array, unknown];
  }
  class Port {
    on<E extends keyof PortEvents>(event: E, listener: (...args: PortEvents[E]) => void): this;
    once<E extends keyof PortEvents>(event: E, listener: (...args: PortEvents[E]) => void): this;
    off<E extends keyof PortEvents>(event: E, listener: (...args: PortEvents[E]) => void): this;
    removeAllListeners(event?: keyof PortEvents): this;
    open(): void;
    close(): void;
    send(packet: OscPacket, address?: string, port?: number): void;
    /** Sends bytes as they are (tests send garbage with it). */
    sendRaw(data: Uint8Array, address?: string, port?: number): void;
  }
  export class UDPPort extends Port {
    constructor(options: CodecOptions & { localAddress?: string; localPort?: number; remoteAddress?: string; remotePort?: number; socket?: import('node:dgram').Socket });
    socket: import('node:dgram').Socket | undefined;
  }
  /** OSC over a TCP stream, SLIP-framed (OSC 1.1). */
  export class TCPSocketPort extends Port {
    constructor(options: CodecOptions & { address?: string; port?: number; socket?: import('node:net').Socket; useSLIP?: boolean });
    socket: import('node:net').Socket;
    /** The SLIP decoder (slip.js): its `maxMessageSize` bounds one framed message. */
    decoder: { maxMessageSize: number };
  }
}
