import type { Logger } from 'pino';
import type { TimeSource } from '../clock/time';
import type { ShowStore } from '../show/store';
import type { ScreenRegistry } from '../screens/registry';
import { LOOPBACK_ONLY, parseAllowList } from './osc-allow';
import { startOscIn, type OscIn, type OscInResult } from './osc-in';
import { parseTargets, startOscOut, type OscOut, type OscTarget } from './osc-out';
import type { ParamTypeOf } from './osc-map';

/** OSC in and out (docs/links.md). In runs when `port` is given; out when `out` lists targets. */
export interface OscOptions {
  /** PAVILION_OSC_PORT: UDP and TCP (SLIP); 0 picks free ports (tests). */
  port?: number;
  /** Address to listen on (default the HTTP server's host). */
  host?: string;
  /** PAVILION_OSC_ALLOW: addresses and CIDR blocks allowed to send (default loopback only). */
  allow?: readonly string[];
  /** PAVILION_OSC_OUT: where to send what the show does. */
  out?: readonly OscTarget[];
  /** Messages per second one sender may send (default 100). */
  ratePerSecond?: number;
}

/** Reads PAVILION_OSC_PORT, PAVILION_OSC_ALLOW and PAVILION_OSC_OUT; throws a config error saying what to give. */
export function oscFromEnv(env: NodeJS.ProcessEnv): OscOptions | undefined {
  const opts: OscOptions = {};
  const rawPort = env.PAVILION_OSC_PORT?.trim();
  if (rawPort) {
    const port = Number(rawPort);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error(`config: PAVILION_OSC_PORT='${rawPort}' is not valid; give the port OSC comes in on (UDP and TCP), e.g. 53001`);
    opts.port = port;
  }
  const allow = env.PAVILION_OSC_ALLOW?.trim();
  if (allow) {
    opts.allow = allow.split(',').map((s) => s.trim()).filter(Boolean);
    parseAllowList(opts.allow); // throws on a bad entry now, at start-up
  }
  const out = env.PAVILION_OSC_OUT?.trim();
  if (out) opts.out = parseTargets(out);
  return opts.port !== undefined || opts.out ? opts : undefined;
}

export interface OscLink {
  in: OscIn | null;
  out: OscOut | null;
  close(): Promise<void>;
}

export async function startOsc(
  opts: OscOptions,
  deps: {
    store: Pick<ShowStore, 'get' | 'dispatch' | 'subscribe'>;
    registry: Pick<ScreenRegistry, 'onPresence'>;
    time: TimeSource;
    logger: Logger;
    paramType?: ParamTypeOf;
    count?: (result: OscInResult | 'sent' | 'send_failed') => void;
    host?: string;
    /** Several nodes: OSC out is sent only while this says so (the writer node); default always. */
    outActive?: () => boolean;
  },
): Promise<OscLink> {
  const logger = deps.logger;
  const oscIn = opts.port !== undefined
    ? await startOscIn(
      { port: opts.port, host: opts.host ?? deps.host, allow: parseAllowList(opts.allow?.length ? opts.allow : LOOPBACK_ONLY), ...(opts.ratePerSecond ? { ratePerSecond: opts.ratePerSecond } : {}) },
      { store: deps.store, time: deps.time, logger, ...(deps.paramType ? { paramType: deps.paramType } : {}), ...(deps.count ? { count: deps.count } : {}) },
    )
    : null;
  const out = opts.out?.length ? startOscOut(opts.out, { store: deps.store, registry: deps.registry, logger, ...(deps.count ? { count: deps.count } : {}), ...(deps.outActive ? { active: deps.outActive } : {}) }) : null;
  if (out) logger.info({ targets: opts.out }, `osc out: sending to ${opts.out!.map((t) => `${t.host}:${t.port}`).join(', ')}`);
  return {
    in: oscIn,
    out,
    async close() {
      await Promise.all([oscIn?.close(), out?.close()]);
    },
  };
}
