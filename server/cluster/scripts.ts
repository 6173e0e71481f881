import type { Redis } from './redis';

/**
 * The Lua scripts that make the lease and the log safe: Redis runs each one alone, so a check and
 * the write it guards happen together. The log's append and snapshot refuse any node whose lease
 * value is not the one in Redis at that instant (the fencing): a writer that lost its lease (paused,
 * cut off, replaced) can never append after another node took over and loaded the log.
 */

/** KEYS: lease, fence. ARGV: node id, TTL ms. Returns the new fencing token, or nil when the lease is held. */
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. ':' .. ARGV[1], 'PX', ARGV[2])
return token`;

/**
 * KEYS: lease. ARGV: lease value, TTL ms. 1 when renewed, 0 when the lease is no longer ours.
 *
 * The renewal is kept out of the AOF and the replicas (`redis.set_repl(redis.REPL_NONE)`): with
 * `appendfsync always` a logged write makes Redis fsync before it delivers anything else of that
 * moment (the visitors' messages), and a renewal needs no durability. The acquisition is logged
 * (its fencing token and value, fsynced before the answer), so a Redis that restarts from its AOF
 * has the lease of the last node that took it, with the TTL it was taken with (Redis 7 logs it as
 * an absolute time): usually run out, and then the next node to take it gets a larger token, and
 * the old writer's appends are refused (FENCED). What restarting Redis costs is a change of writer,
 * never a write by two (docs/operations.md, "Several nodes").
 */
const RENEW = `
redis.replicate_commands()
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.set_repl(redis.REPL_NONE)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/** KEYS: lease. ARGV: lease value. 1 when released. */
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

/**
 * KEYS: lease, version, log. ARGV: lease value, the version the record starts from (-1: the first),
 * its version, the record. Returns the entry's id; errors FENCED (not the lease holder) or GAP (the
 * log is not at `from`).
 */
const APPEND = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('FENCED this node no longer holds the writer lease') end
local at = redis.call('GET', KEYS[2]) or '-1'
if at ~= ARGV[2] then return redis.error_reply('GAP the log is at version ' .. at .. ', not ' .. ARGV[2]) end
local id = redis.call('XADD', KEYS[3], '*', 'v', ARGV[3], 'rec', ARGV[4])
redis.call('SET', KEYS[2], ARGV[3])
return id`;

/** KEYS: lease, snapshot, log. ARGV: lease value, snapshot JSON, the id of its version's entry. Trims the log before it. */
const SNAPSHOT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('FENCED this node no longer holds the writer lease') end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('XTRIM', KEYS[3], 'MINID', ARGV[3])
return 1`;

const evalScript = <T>(r: Redis, script: string, keys: string[], args: Array<string | number>) =>
  r.sendCommand<T>(['EVAL', script, String(keys.length), ...keys, ...args.map(String)]);

export const scripts = {
  acquire: (r: Redis, lease: string, fence: string, node: string, ttlMs: number) => evalScript<number | null>(r, ACQUIRE, [lease, fence], [node, ttlMs]),
  renew: (r: Redis, lease: string, value: string, ttlMs: number) => evalScript<number>(r, RENEW, [lease], [value, ttlMs]),
  release: (r: Redis, lease: string, value: string) => evalScript<number>(r, RELEASE, [lease], [value]),
  append: (r: Redis, k: { lease: string; version: string; log: string }, value: string, from: number, v: number, record: string) =>
    evalScript<string>(r, APPEND, [k.lease, k.version, k.log], [value, from, v, record]),
  snapshot: (r: Redis, k: { lease: string; snapshot: string; log: string }, value: string, json: string, id: string) =>
    evalScript<number>(r, SNAPSHOT, [k.lease, k.snapshot, k.log], [value, json, id]),
};

/** FENCED or GAP from the scripts above: this node must stop writing and reload the log. */
export function isFenced(e: unknown): boolean {
  const m = (e as Error | null)?.message ?? '';
  return m.startsWith('FENCED') || m.startsWith('GAP');
}
