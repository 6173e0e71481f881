import { z } from 'zod';

/**
 * The other screens of this browser, and whether their stages are silent too.
 *
 * The windows or tabs of one browser (a kiosk computer driving several outputs, or the soak's
 * tabs) run their stages, all on the one stage origin, in one shared renderer process: one main
 * thread for every screen's stage. When that thread is held (an overloaded machine that does not
 * schedule it, or one piece stuck in a loop), every one of those stages goes silent at once, and a
 * silence shared with the others is the process's, not one stuck stage's: reloading this stage
 * would only start its pieces again on the same held thread. So each display page says, once a
 * second on a BroadcastChannel (same origin and same browser profile only), how long its stage has
 * been silent; the watchdog takes a silence that others of this browser share for starved, not hung
 * (client/display/stall.ts).
 */

/** A sibling's stage counts as silent with this one when it has said nothing for this long. */
export const SIBLING_SILENT_MS = 10_000;
/** A sibling page not heard from for this long is gone (closed, or its own page frozen): not counted. */
export const SIBLING_HEARD_MS = 3_000;

const Said = z.object({ screenId: z.string().max(200), origin: z.string().max(400), silentMs: z.number().finite().nonnegative() });
type Said = z.infer<typeof Said>;

export interface SiblingChannel {
  postMessage(m: unknown): void;
  onmessage: ((e: { data: unknown }) => void) | null;
  close(): void;
}

export class StageSiblings {
  private readonly heard = new Map<string, { silentMs: number; at: number }>();
  private readonly channel: SiblingChannel | null;
  /** This page's stage origin, once said: only siblings on the same one share its process. */
  private origin: string | null = null;

  constructor(
    private readonly screenId: string,
    private readonly now: () => number,
    channel?: SiblingChannel | null,
  ) {
    this.channel = channel !== undefined ? channel : openChannel();
    if (this.channel) this.channel.onmessage = (e) => this.hear(e.data);
  }

  /** Tells the other screens how long this page's stage (on `origin`) has been silent. */
  say(origin: string, silentMs: number): void {
    this.origin = origin;
    const m: Said = { screenId: this.screenId, origin, silentMs: Math.round(silentMs) };
    try {
      this.channel?.postMessage(m);
    } catch {
      // a closed channel: this page is going away
    }
  }

  /** How many other screens of this browser, on the same stage origin, have their stages silent now. */
  silentWithMe(): number {
    const now = this.now();
    let n = 0;
    for (const [id, h] of this.heard) {
      if (now - h.at > SIBLING_HEARD_MS) this.heard.delete(id);
      else if (h.silentMs + (now - h.at) >= SIBLING_SILENT_MS) n++;
    }
    return n;
  }

  close(): void {
    this.channel?.close();
  }

  private hear(data: unknown): void {
    const m = Said.safeParse(data);
    if (!m.success || m.data.screenId === this.screenId || m.data.origin !== this.origin) return;
    this.heard.set(m.data.screenId, { silentMs: m.data.silentMs, at: this.now() });
  }
}

/**
 * What this page tells its siblings while a new stage loads. A reload interrupts the stage's
 * silence but does not end it: on a held shared thread the new document waits too, and a page
 * that said only "loading for 2 s" would take its evidence away from the last screens of the
 * browser still waiting, which would then be reloaded as hung instead of starved. So the silence
 * the reload cut short is carried until the new stage opens its channel.
 */
export class CarriedSilence {
  /** Since when (local ms) the stage has been silent, across the reloads since it last answered. */
  private since: number | null = null;

  /** The stage is being reloaded after `silentMs` without an answer (or without starting). */
  reloaded(silentMs: number, now: number): void {
    this.since ??= now - Math.max(0, silentMs);
  }

  /** Time this page was frozen itself is not the stage's silence (the watchdog's `frozenMs`). */
  frozen(ms: number, now: number): void {
    if (this.since !== null && ms > 0) this.since = Math.min(now, this.since + ms);
  }

  /** The new stage answered: its silence is over. */
  opened(): void {
    this.since = null;
  }

  /** The silence to say while the new stage has been loading for `loadingMs`. */
  whileLoading(loadingMs: number, now: number): number {
    return this.since === null ? loadingMs : Math.max(loadingMs, now - this.since);
  }
}

function openChannel(): SiblingChannel | null {
  try {
    return typeof BroadcastChannel === 'undefined' ? null : (new BroadcastChannel('pavilion-stage-siblings') as unknown as SiblingChannel);
  } catch {
    return null;
  }
}
