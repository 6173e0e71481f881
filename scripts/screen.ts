import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cleanExitPreferences, defaultUserDataDir, findChromium, kioskArgs, pageUrl, restartDelay, rootWarning, stageOriginOf } from './lib/kiosk';

/**
 * `npm run screen -- <url>`: a screen computer's browser. Starts Chromium full-screen (kiosk) on
 * the screen's page with the flags a pavilion needs (docs/operations.md), and starts it again,
 * with backoff, whenever it exits on its own. Stops it on SIGINT/SIGTERM.
 */

const USAGE = `usage: npm run screen -- <url> [options]

  <url>                      the screen's page, e.g. http://192.168.1.10:8080/display?screen=left

  --user-data-dir <dir>      this screen's browser profile (default ~/.local/share/pavilion/screen-<id>)
  --window-position <x,y>    open on the monitor at x,y (a machine driving several screens)
  --no-gpu                   no GPU rasterization (software rendering)
  --chromium <path>          the browser to run (default: CHROMIUM_PATH, else the first Chromium or Chrome found)
  --stage-origin <origin>    where the page's pieces run (default: PAVILION_STAGE_ORIGIN, else the page's host on
                             PAVILION_STAGE_PORT, else what GET /api/stage says, else the page's port + 1)
  --dry-run                  print the command line and exit
`;

function fail(message: string): never {
  process.stderr.write(`screen: ${message}\n`);
  process.exit(1);
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        'user-data-dir': { type: 'string' },
        'window-position': { type: 'string' },
        'no-gpu': { type: 'boolean', default: false },
        chromium: { type: 'string' },
        'stage-origin': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    return fail(`${(e as Error).message}\n\n${USAGE}`);
  }
}
const parsed = parse();
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (positionals.length !== 1) fail(`give the screen's page URL, once\n\n${USAGE}`);

let url: URL;
try {
  url = pageUrl(positionals[0]!);
} catch (e) {
  fail((e as Error).message);
}
if (values['window-position'] && !/^-?\d+,-?\d+$/.test(values['window-position'])) fail(`--window-position '${values['window-position']}' is not x,y (e.g. 1920,0)`);

const browser = values.chromium
  ? ({ ok: true, path: values.chromium } as const)
  : findChromium(process.env, process.platform, (f) => fs.existsSync(f));
if (!browser.ok) fail(browser.message);
const chromiumPath = browser.path;
if (!fs.existsSync(chromiumPath)) fail(`${chromiumPath} does not exist; give the path of Chromium or Chrome`);

const userDataDir = path.resolve(values['user-data-dir'] ?? defaultUserDataDir(url, process.env, os.homedir()));

/**
 * The command line, asked again at each start: the page and its stage origin (where pieces run)
 * are both treated as secure when plain HTTP, so both get their service worker (offline play).
 */
async function argsNow(): Promise<string[]> {
  let stage: Awaited<ReturnType<typeof stageOriginOf>>;
  try {
    stage = await stageOriginOf(url, { ...(values['stage-origin'] ? { option: values['stage-origin'] } : {}), env: process.env, fetch });
  } catch (e) {
    return fail((e as Error).message);
  }
  log(`stage origin ${stage.origin} (from ${stage.from})${stage.note ? `: ${stage.note}` : ''}`);
  return kioskArgs({ url: url.href, userDataDir, gpu: !values['no-gpu'], stageOrigin: stage.origin, ...(values['window-position'] ? { windowPosition: values['window-position'] } : {}) });
}

if (values['dry-run']) {
  const args = await argsNow();
  process.stdout.write(`${[chromiumPath, ...args].map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
  process.exit(0);
}

fs.mkdirSync(userDataDir, { recursive: true });
const asRoot = rootWarning(process.getuid?.());
if (asRoot) log(`warning: ${asRoot}`);

/** A browser that crashed offers to restore its tabs over the show: its profile says it exited cleanly. */
function markCleanExit(): void {
  const prefs = path.join(userDataDir, 'Default', 'Preferences');
  try {
    const before = fs.readFileSync(prefs, 'utf8');
    const after = cleanExitPreferences(before);
    if (after !== before) fs.writeFileSync(prefs, after);
  } catch {
    /* no profile yet, or unreadable: Chromium writes a new one */
  }
}

let child: ChildProcess | null = null;
let stopping = false;
let quickExits = 0;
let timer: NodeJS.Timeout | null = null;

async function start(): Promise<void> {
  timer = null;
  const args = await argsNow();
  if (stopping) return process.exit(0);
  markCleanExit();
  const startedAt = Date.now();
  log(`starting ${chromiumPath} on ${url.href} (profile ${userDataDir})`);
  const c = spawn(chromiumPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  child = c;
  let ended = false;
  const end = (why: string) => {
    if (ended) return;
    ended = true;
    child = null;
    if (stopping) return process.exit(0);
    const next = restartDelay(quickExits, Date.now() - startedAt);
    quickExits = next.quickExits;
    log(`${why}; starting it again in ${Math.round(next.delayMs / 1000)} s`);
    timer = setTimeout(() => void start(), next.delayMs);
  };
  c.on('error', (e) => end(`could not start ${chromiumPath}: ${e.message}`));
  c.on('exit', (code, signal) => end(`the browser exited (${signal ?? `code ${code}`})`));
}

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} screen: ${message}\n`);
}

function stop(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  log(`${signal}: closing the browser`);
  if (timer) clearTimeout(timer);
  if (!child) process.exit(0);
  child.kill('SIGTERM');
  setTimeout(() => {
    child?.kill('SIGKILL');
    process.exit(0);
  }, 5000).unref();
}

process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
void start();
