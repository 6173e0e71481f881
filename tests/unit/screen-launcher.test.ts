import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanExitPreferences, defaultUserDataDir, findChromium, insecureOrigin, kioskArgs, pageUrl, restartDelay, rootWarning } from '../../scripts/lib/kiosk';

// npm run screen (scripts/screen.ts): the flags, the browser it finds, the restart backoff. No browser runs.
describe('kiosk launcher', () => {
  it('builds a kiosk command line: full screen, autoplay, no first run, no infobars, GPU, its own profile, the URL last', () => {
    const args = kioskArgs({ url: 'http://192.168.1.10:8080/display?screen=left', userDataDir: '/var/lib/screen-left' });
    expect(args).toEqual(
      expect.arrayContaining([
        '--kiosk',
        '--autoplay-policy=no-user-gesture-required',
        '--no-first-run',
        '--disable-infobars',
        '--enable-gpu-rasterization',
        '--user-data-dir=/var/lib/screen-left',
        '--unsafely-treat-insecure-origin-as-secure=http://192.168.1.10:8080',
      ]),
    );
    expect(args.at(-1)).toBe('http://192.168.1.10:8080/display?screen=left');
    expect(args.filter((a) => a.startsWith('--user-data-dir')).length).toBe(1);
  });

  it('treats only a plain-HTTP LAN origin as secure: not HTTPS, not localhost', () => {
    expect(insecureOrigin(pageUrl('http://pavilion.lan:8080/display?screen=a'))).toBe('http://pavilion.lan:8080');
    expect(insecureOrigin(pageUrl('https://pavilion.lan:8443/display?screen=a'))).toBeNull();
    expect(insecureOrigin(pageUrl('http://localhost:8080/display'))).toBeNull();
    expect(insecureOrigin(pageUrl('http://127.0.0.1:8080/display'))).toBeNull();
    const secure = kioskArgs({ url: 'https://pavilion.lan/display?screen=a', userDataDir: '/tmp/p' });
    expect(secure.some((a) => a.startsWith('--unsafely-treat-insecure-origin-as-secure'))).toBe(false);
  });

  it('leaves GPU rasterization off when asked, and places the window on another monitor', () => {
    const args = kioskArgs({ url: 'http://10.0.0.2/display?screen=b', userDataDir: '/tmp/p', gpu: false, windowPosition: '1920,0' });
    expect(args).not.toContain('--enable-gpu-rasterization');
    expect(args).not.toContain('--ignore-gpu-blocklist');
    expect(args).toContain('--window-position=1920,0');
  });

  it('refuses what is not an http(s) URL, saying what to give', () => {
    expect(() => kioskArgs({ url: 'display?screen=a', userDataDir: '/tmp/p' })).toThrow(/is not a URL; give the screen's page/);
    expect(() => kioskArgs({ url: 'file:///etc/passwd', userDataDir: '/tmp/p' })).toThrow(/not an http\(s\) URL/);
  });

  it('gives each screen its own profile folder', () => {
    const env = { XDG_DATA_HOME: '/data' };
    expect(defaultUserDataDir(pageUrl('http://a:8080/display?screen=left'), env, '/home/x')).toBe(path.join('/data', 'pavilion', 'screen-left'));
    expect(defaultUserDataDir(pageUrl('http://a:8080/display?screen=right'), {}, '/home/x')).toBe(path.join('/home/x', '.local', 'share', 'pavilion', 'screen-right'));
    expect(defaultUserDataDir(pageUrl('http://a/display'), {}, '/h')).toBe(path.join('/h', '.local', 'share', 'pavilion', 'screen-a-80'));
    expect(defaultUserDataDir(pageUrl('http://a/display?screen=../../etc'), {}, '/h')).toBe(path.join('/h', '.local', 'share', 'pavilion', 'screen-.._.._etc'));
  });

  it('finds Chromium or Chrome in the usual places, CHROMIUM_PATH first, and says what to install when none is there', () => {
    const has = (...files: string[]) => (f: string) => files.includes(f);
    expect(findChromium({}, 'linux', has('/usr/bin/chromium-browser', '/usr/bin/google-chrome'))).toEqual({ ok: true, path: '/usr/bin/chromium-browser' });
    expect(findChromium({}, 'linux', has('/usr/bin/google-chrome'))).toEqual({ ok: true, path: '/usr/bin/google-chrome' });
    expect(findChromium({ CHROMIUM_PATH: '/opt/c/chrome' }, 'linux', has('/opt/c/chrome', '/usr/bin/chromium'))).toEqual({ ok: true, path: '/opt/c/chrome' });
    const none = findChromium({}, 'linux', has());
    expect(none.ok).toBe(false);
    if (!none.ok) {
      expect(none.message).toContain('/usr/bin/chromium');
      expect(none.message).toMatch(/apt install chromium/);
      expect(none.message).toMatch(/CHROMIUM_PATH/);
    }
  });

  it('starts a browser that keeps exiting again with a growing delay, up to a minute, and from the start after a long run', () => {
    let quick = 0;
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const next = restartDelay(quick, 2000);
      quick = next.quickExits;
      delays.push(next.delayMs);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    expect(restartDelay(quick, 10 * 60_000)).toEqual({ delayMs: 1000, quickExits: 0 });
  });

  it('marks the profile as cleanly exited, so no "restore pages?" bubble covers the show', () => {
    const prefs = JSON.stringify({ profile: { exit_type: 'Crashed', exited_cleanly: false, name: 'x' } });
    const clean = JSON.parse(cleanExitPreferences(prefs)) as { profile: Record<string, unknown> };
    expect(clean.profile).toEqual({ exit_type: 'Normal', exited_cleanly: true, name: 'x' });
  });
  it('warns when run as root (no sandbox, real-time audio threads), and only then', () => {
    expect(rootWarning(0)).toMatch(/root.*sandbox.*real-time.*normal user/);
    expect(rootWarning(1000)).toBeNull();
    expect(rootWarning(undefined)).toBeNull(); // no uids (Windows)
  });
});
