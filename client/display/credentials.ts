/**
 * This page's screen key (docs/display.md, pairing). It comes from the address
 * (`/display?screen=<id>&key=<key>`, as `npm start` and the control panel give it) or from the
 * page's storage, where an approval in the control panel put it. The storage remembers, per id in
 * the address, which screen this page became and with which key: a page approved as the
 * replacement of another screen opens as that screen from then on.
 */
interface Saved {
  screenId: string;
  key: string;
}

const PREFIX = 'pavilion.display.';

function read(id: string): Saved | null {
  try {
    const v = JSON.parse(localStorage.getItem(PREFIX + id) ?? 'null') as Partial<Saved> | null;
    return v && typeof v.screenId === 'string' && typeof v.key === 'string' ? { screenId: v.screenId, key: v.key } : null;
  } catch {
    return null; // storage blocked or garbled: as if empty
  }
}

function write(id: string, saved: Saved | null): void {
  try {
    if (saved) localStorage.setItem(PREFIX + id, JSON.stringify(saved));
    else localStorage.removeItem(PREFIX + id);
  } catch {
    /* storage blocked (a private window): the key lives as long as the page */
  }
}

/** The screen an earlier approval made of the page at this id, when it is another one. */
export function becameScreen(requestedId: string): string | null {
  const saved = read(requestedId);
  return saved && saved.screenId !== requestedId ? saved.screenId : null;
}

export class Credentials {
  private stored: string | null;

  constructor(
    readonly screenId: string,
    private readonly fromUrl: string | null,
  ) {
    const saved = read(screenId);
    this.stored = saved?.screenId === screenId ? saved.key : null;
  }

  /** The keys to try, newest first: what an approval stored, then the address's. */
  candidates(): string[] {
    return [...new Set([this.stored, this.fromUrl].filter((k): k is string => !!k))];
  }

  /** The server took this key: remember it for the next load. */
  accepted(key: string): void {
    this.stored = key;
    write(this.screenId, { screenId: this.screenId, key });
  }

  /** Every key was refused (revoked, re-issued, the screen forgotten): forget the stored one. */
  refused(): void {
    this.stored = null;
    write(this.screenId, null);
  }

  /** A technician approved this page as `screenId` with `key`. */
  approved(screenId: string, key: string): void {
    write(screenId, { screenId, key });
    if (screenId !== this.screenId) write(this.screenId, { screenId, key });
    else this.stored = key;
  }
}
