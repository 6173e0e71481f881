import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The repository root: every bench process runs from there. */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface ChildOptions {
  /** Arguments after the script (process.argv.slice(2) in the child). */
  args?: string[];
  /** Extra Node options (e.g. --cpu-prof) after `--import tsx`. */
  execArgv?: string[];
  /**
   * A session of its own (setsid; Linux: its own autogroup, whose CPU share `raiseSession` or
   * `raiseSessionOf` can then set apart from the bench's). Still SIGKILLed when the bench exits.
   */
  ownSession?: boolean;
}

/**
 * Forks the TypeScript file `file` (relative to `dir`) under tsx, from the repository root, with
 * the parent's stdout/stderr and an IPC channel. Every child it forks is SIGKILLed when this
 * process exits, so an aborted bench leaves no server or load process behind.
 */
export function childForker(dir: string): { fork(file: string, opts?: ChildOptions): ChildProcess; readonly children: readonly ChildProcess[] } {
  const children: ChildProcess[] = [];
  process.on('exit', () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  return {
    children,
    fork(file, opts = {}) {
      const c = fork(path.join(dir, file), opts.args ?? [], { cwd: ROOT, execArgv: ['--import', 'tsx', ...(opts.execArgv ?? [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: opts.ownSession === true });
      children.push(c);
      return c;
    },
  };
}

const nameOf = (c: ChildProcess): string => path.basename(c.spawnargs.find((a) => a.endsWith('.ts')) ?? 'a child');

/**
 * The next IPC message of `c` that `pred` accepts. Rejects, naming `what`, if none comes within
 * `timeoutMs` or if the child exits first.
 */
export function nextMessage<T>(c: ChildProcess, pred: (m: unknown) => boolean, what: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(t);
      c.off('message', onMsg);
      c.off('exit', onExit);
    };
    const t = setTimeout(() => {
      done();
      reject(new Error(`bench: no ${what} from ${nameOf(c)} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const onMsg = (m: unknown) => {
      if (!pred(m)) return;
      done();
      resolve(m as T);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`bench: ${nameOf(c)} exited with ${code} while waiting for ${what}`));
    };
    c.on('message', onMsg);
    c.once('exit', onExit);
  });
}

/** `nextMessage` for a message `{ [key]: value }`: resolves with the value. */
export async function keyedMessage<T>(c: ChildProcess, key: string, timeoutMs = 120_000): Promise<T> {
  const m = await nextMessage<Record<string, T>>(c, (m) => !!m && typeof m === 'object' && key in m, `'${key}'`, timeoutMs);
  return m[key]!;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every `everyMs` until it gives a value; throws after `timeoutMs`, naming `what` it waited for. */
export async function poll<T>(fn: () => Promise<T | null | false | undefined>, what: string, timeoutMs = 60_000, everyMs = 25): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await sleep(everyMs);
  }
  throw new Error(`bench: timed out waiting for ${what}`);
}
