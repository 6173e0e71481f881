import path from 'node:path';

/**
 * The screen computer's browser: which Chromium, with which flags, and when to start it again.
 * Pure functions (no process, no filesystem of their own), used by scripts/screen.ts and tested
 * without a browser (tests/unit/screen-launcher.test.ts).
 */

export interface KioskOptions {
  /** The page to show, e.g. http://192.168.1.10:8080/display?screen=left. */
  url: string;
  /** This screen's own browser profile (cache, service worker, storage): one per screen. */
  userDataDir: string;
  /** GPU rasterization and WebGL on GPUs Chromium would block (default true); false for software GL. */
  gpu?: boolean;
  /** `x,y` of the monitor to open on, for a machine that drives several screens. */
  windowPosition?: string;
  /** The stage origin, where the page's pieces run (stageOriginOf): a secure context too, for its service worker. */
  stageOrigin?: string | null;
}

/** Hosts that are secure contexts even over plain HTTP. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Parses and checks the page's URL; throws with what to give when it is not an http(s) URL. */
export function pageUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`'${raw}' is not a URL; give the screen's page, e.g. http://192.168.1.10:8080/display?screen=left`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`'${raw}' is not an http(s) URL; give the screen's page, e.g. http://192.168.1.10:8080/display?screen=left`);
  return u;
}

/**
 * The origin to treat as secure: a plain-HTTP server on the LAN, so that the page gets a secure
 * context (service worker, storage persistence). null when the page is secure already (HTTPS, or
 * localhost).
 */
export function insecureOrigin(url: URL): string | null {
  if (url.protocol === 'https:' || LOCAL_HOSTS.has(url.hostname) || url.hostname.endsWith('.localhost')) return null;
  return url.origin;
}

/**
 * The origins to treat as secure for a screen: its page's and its stage's, each when plain HTTP on
 * the LAN. Both need a secure context: each registers its own service worker (offline play).
 */
export function insecureOrigins(url: URL, stageOrigin?: string | null): string[] {
  const stage = stageOrigin ? insecureOrigin(pageUrl(stageOrigin)) : null;
  return [...new Set([insecureOrigin(url), stage].filter((o): o is string => o !== null))];
}

/** Chromium's command line for a kiosk screen (the URL last). */
export function kioskArgs(opts: KioskOptions): string[] {
  const url = pageUrl(opts.url);
  const origins = insecureOrigins(url, opts.stageOrigin);
  return [
    '--kiosk', // full screen, no window frame, no way out without a keyboard
    '--start-fullscreen',
    `--user-data-dir=${opts.userDataDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-infobars',
    '--noerrdialogs',
    '--disable-session-crashed-bubble',
    '--hide-crash-restore-bubble',
    '--disable-features=Translate,InfiniteSessionRestore',
    '--password-store=basic', // no keyring prompt on a machine nobody logs in to
    '--autoplay-policy=no-user-gesture-required', // sound without a tap (Tone.js)
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
    '--disable-pinch',
    '--overscroll-history-navigation=0',
    '--check-for-update-interval=31536000',
    '--ozone-platform-hint=auto', // X11 or Wayland, whichever the session runs
    ...(opts.gpu === false ? ['--disable-gpu-rasterization'] : ['--enable-gpu-rasterization', '--ignore-gpu-blocklist']),
    ...(opts.windowPosition ? [`--window-position=${opts.windowPosition}`] : []),
    // Needs --user-data-dir (above) to take effect.
    ...(origins.length > 0 ? [`--unsafely-treat-insecure-origin-as-secure=${origins.join(',')}`] : []),
    url.href,
  ];
}

/** Where each screen's profile lives by default: one folder per screen id (or per server and port). */
export function defaultUserDataDir(url: URL, env: Record<string, string | undefined>, home: string): string {
  const base = env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  const screen = url.searchParams.get('screen');
  const name = (screen || `${url.hostname}-${url.port || (url.protocol === 'https:' ? '443' : '80')}`).replace(/[^a-zA-Z0-9._-]/g, '_').slice(0, 64);
  return path.join(base, 'pavilion', `screen-${name}`);
}

/** Where Chromium is looked for, in order (CHROMIUM_PATH first when set). */
export function chromiumCandidates(env: Record<string, string | undefined>, platform: NodeJS.Platform): string[] {
  const own = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : [];
  if (platform === 'darwin')
    return [...own, '/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];
  return [...own, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
}

/** The first candidate that exists, or an error that says what to install. */
export function findChromium(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform,
  exists: (file: string) => boolean,
): { ok: true; path: string } | { ok: false; message: string } {
  const candidates = chromiumCandidates(env, platform);
  const found = candidates.find(exists);
  if (found) return { ok: true, path: found };
  return {
    ok: false,
    message:
      `no Chromium found (looked for ${candidates.join(', ')}). Install one: ` +
      (platform === 'darwin'
        ? '`brew install --cask chromium` or Google Chrome'
        : '`sudo apt install chromium` (Debian, Raspberry Pi OS) or `sudo apt install chromium-browser` (Ubuntu), or Google Chrome') +
      '; or set CHROMIUM_PATH to the browser\'s executable',
  };
}

/**
 * How long to wait before starting the browser again after it exited on its own: 1 s, doubling
 * with each quick exit up to a minute; a run that lasted `stableMs` starts the count again.
 * Returns the delay and the count of quick exits to carry to the next one.
 */
export function restartDelay(quickExits: number, ranMs: number, opts: { baseMs?: number; maxMs?: number; stableMs?: number } = {}): { delayMs: number; quickExits: number } {
  const base = opts.baseMs ?? 1000;
  const max = opts.maxMs ?? 60_000;
  const n = ranMs >= (opts.stableMs ?? 60_000) ? 0 : quickExits + 1;
  return { delayMs: n === 0 ? base : Math.min(max, base * 2 ** (n - 1)), quickExits: n };
}

/** Chromium after a crash offers to restore the last session: mark the profile's last exit as clean. */
export function cleanExitPreferences(json: string): string {
  return json.replace(/"exit_type"\s*:\s*"[A-Za-z]+"/g, '"exit_type":"Normal"').replace(/"exited_cleanly"\s*:\s*false/g, '"exited_cleanly":true');
}

/** Where a screen's stage origin was found, for the launcher's log. */
export type StageOriginSource = '--stage-origin' | 'PAVILION_STAGE_ORIGIN' | 'PAVILION_STAGE_PORT' | 'the server' | 'the default';

/** The same scheme and host as `url`, on `port`. */
const onPort = (url: URL, port: string) => {
  const u = new URL(url.origin);
  u.port = port;
  return u.origin;
};

/**
 * The stage origin of a screen's page (where its pieces run, a second port of the same server):
 * `--stage-origin`, else PAVILION_STAGE_ORIGIN, else PAVILION_STAGE_PORT on the page's host, else
 * what the server says (GET /api/stage), else the server's default (the page's port + 1). Throws,
 * saying what to give, when an option or variable is malformed; never when the server is down.
 */
export async function stageOriginOf(
  url: URL,
  opts: { option?: string; env: Record<string, string | undefined>; fetch: typeof fetch; timeoutMs?: number },
): Promise<{ origin: string; from: StageOriginSource; note?: string }> {
  const asOrigin = (raw: string, name: string) => {
    try {
      return pageUrl(raw).origin;
    } catch {
      throw new Error(`${name} '${raw}' is not an http(s) origin; give it as e.g. http://192.168.1.10:8081`);
    }
  };
  if (opts.option) return { origin: asOrigin(opts.option, '--stage-origin'), from: '--stage-origin' };
  if (opts.env.PAVILION_STAGE_ORIGIN) return { origin: asOrigin(opts.env.PAVILION_STAGE_ORIGIN, 'PAVILION_STAGE_ORIGIN'), from: 'PAVILION_STAGE_ORIGIN' };
  const port = opts.env.PAVILION_STAGE_PORT;
  if (port) {
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw new Error(`PAVILION_STAGE_PORT '${port}' is not a port (1–65535)`);
    return { origin: onPort(url, port), from: 'PAVILION_STAGE_PORT' };
  }
  let why: string;
  try {
    const res = await opts.fetch(new URL('/api/stage', url.origin), { signal: AbortSignal.timeout(opts.timeoutMs ?? 3000) });
    const body = (await res.json().catch(() => null)) as { ok?: unknown; origin?: unknown } | null;
    if (res.ok && body?.ok === true && typeof body.origin === 'string') return { origin: asOrigin(body.origin, 'GET /api/stage\'s origin'), from: 'the server' };
    why = `GET /api/stage answered ${res.status}`;
  } catch (e) {
    why = `GET /api/stage failed (${(e as Error).message})`;
  }
  const own = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return {
    origin: onPort(url, String(own + 1)),
    from: 'the default',
    note: `${why}; assuming the server's default stage port ${own + 1} (the page's port + 1). Give --stage-origin or PAVILION_STAGE_PORT if the server uses another`,
  };
}

/**
 * What to say when the launcher runs as root (uid 0): Chromium refuses to start as root unless its
 * sandbox (what confines a hostile piece) is turned off with --no-sandbox, and as root it runs its
 * audio threads in the real-time class (SCHED_RR; as a normal user they are ordinary threads), so a
 * sound too heavy for the computer takes its core from the picture (docs/operations.md, "Run
 * screens as a normal user"). Null for any other user, or where there are no uids.
 */
export function rootWarning(uid: number | undefined): string | null {
  if (uid !== 0) return null;
  return "running as root: Chromium will not start as root unless its sandbox, which confines a hostile piece, is turned off (--no-sandbox), and as root its audio threads run in the real-time class, where a sound too heavy for this computer takes the CPU the picture needs; run the launcher as the screen computer's normal user (the systemd user unit in docs/operations.md)";
}
