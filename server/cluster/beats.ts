import crypto from 'node:crypto';
import type { VisitorListEntry } from '../../protocol';
import type { Keys } from './keys';
import { parseCard, type NodeCard, type NodeRecord } from './nodes';
import type { Redis } from './redis';

/** How long a node waits for the others' visitor rows before it lists without those that did not answer. */
export const ASK_MS = 1000;
/** A node that heard another one start (or come back) beats this soon, so that it learns this node at once. */
const ANSWER_MS = 50;
/** A wall id in a question (the show's ids are shorter; this bounds a broken message). */
const MAX_WALL_ID = 200;

export interface BeatsDeps {
  /** Publishes (fails at once while Redis is unreachable). */
  main: Redis;
  /** Subscribes. */
  sub: Redis;
  keys: Keys;
  node: string;
  /** A node not heard from for this long is left out (dead, or cut off from Redis). */
  ttlMs: number;
  /** Beats now: another node asked every node to announce itself. */
  beatSoon(): void;
  /** Another node's card came (or it said bye): what the cards feed (its screens, for the panel and the wall's gate) can be taken in now, not at this node's next beat. */
  heardCard?(): void;
  /** This node's rows of a wall's visitors, for another node's panel (server/cluster/visitor-lists.ts). */
  rows(wallId: string): VisitorListEntry[];
  log: { warn(fields: Record<string, unknown>, message: string): void };
}

interface Heard {
  /** performance.now() when its last card came. */
  at: number;
  card: NodeCard;
}

interface Question {
  want: Set<string>;
  got: Map<string, string>;
  done(): void;
}

/**
 * The heartbeats, over Redis pub/sub (issue 17): every node publishes its card (server/cluster/nodes.ts:
 * address, clients, visitors by wall, connected screens, lag) on `<prefix>beats` once a second and
 * keeps the others' last cards in memory; a node not heard from for `ttlMs` is left out. Nothing is
 * written into Redis, so Redis has nothing to fsync for them: with `appendfsync always` every write
 * makes Redis fsync before it delivers anything else of that moment, the visitors' messages included
 * (docs/operations.md, "Several nodes").
 *
 * A node that starts, or whose subscriber connection comes back (it may have missed beats), sends
 * its next card as a `hello`: every node that hears one beats at once, so the newcomer has every
 * card within a round trip instead of a beat. A node that stops cleanly says `bye`.
 *
 * The panel's list of a wall's visitors asks the same way (`ask`): each other node answers with its
 * rows on the asker's channel (`<prefix>to:<node>`), and the asker waits for every node alive, or
 * ASK_MS. Messages: `<node>\n<kind>\n<json>`.
 */
export class Beats {
  private readonly others = new Map<string, Heard>();
  private own: Heard | null = null;
  /** The next card goes as a hello (at start, and after the subscriber connection came back). */
  private hello = true;
  private readonly questions = new Map<string, Question>();
  private answerTimer: NodeJS.Timeout | null = null;
  private readonly onBeat = (message: string): void => this.heard(message);
  private readonly onAnswer = (message: string): void => this.answered(message);
  private readonly onReady = (): void => void (this.hello = true);

  constructor(private readonly d: BeatsDeps) {}

  /** Starts hearing the other nodes' beats (before this node's first card goes out). */
  async start(): Promise<void> {
    this.d.sub.on('ready', this.onReady);
    await Promise.all([this.d.sub.subscribe(this.d.keys.beats, this.onBeat), this.d.sub.subscribe(this.d.keys.to(this.d.node), this.onAnswer)]);
  }

  /** Publishes this node's card (as a hello when the others must announce themselves). */
  async publish(card: NodeCard): Promise<void> {
    this.own = { at: performance.now(), card };
    const hello = this.hello;
    await this.d.main.sendCommand(['PUBLISH', this.d.keys.beats, `${this.d.node}\n${hello ? 'hello' : 'card'}\n${JSON.stringify(card)}`]);
    if (hello) this.hello = false;
  }

  /** Every node alive: this node's own card (its last beat) and each other node heard from within the TTL. */
  records(): NodeRecord[] {
    const now = performance.now();
    this.prune(now);
    const out: NodeRecord[] = this.own ? [{ ageMs: now - this.own.at, card: this.own.card }] : [];
    for (const h of this.others.values()) out.push({ ageMs: now - h.at, card: h.card });
    return out;
  }

  /** A live node's last card (this node's own included); null when not heard from within the TTL. */
  card(id: string): NodeCard | null {
    if (id === this.d.node) return this.own?.card ?? null;
    const h = this.others.get(id);
    return h && performance.now() - h.at <= this.d.ttlMs ? h.card : null;
  }

  /**
   * Every other live node's rows of a wall's visitors, as each answered (its JSON, `{ [wallId]: rows }`),
   * by node id. Waits for every node alive, at most ASK_MS: a node that did not answer by then is left out.
   */
  ask(wallId: string): Promise<Map<string, string>> {
    this.prune(performance.now());
    const want = new Set(this.others.keys());
    if (want.size === 0) return Promise.resolve(new Map());
    const id = crypto.randomBytes(9).toString('base64url');
    return new Promise((resolve) => {
      const q: Question = {
        want,
        got: new Map(),
        done: () => {
          clearTimeout(timer);
          this.questions.delete(id);
          resolve(q.got);
        },
      };
      const timer = setTimeout(q.done, ASK_MS);
      this.questions.set(id, q);
      this.d.main.sendCommand(['PUBLISH', this.d.keys.beats, `${this.d.node}\nask\n${JSON.stringify({ id, w: wallId })}`]).catch(() => q.done());
    });
  }

  /** A clean stop: the others drop this node at once. */
  async bye(): Promise<void> {
    await this.d.main.sendCommand(['PUBLISH', this.d.keys.beats, `${this.d.node}\nbye\n{}`]);
  }

  async stop(): Promise<void> {
    this.d.sub.off('ready', this.onReady);
    if (this.answerTimer) clearTimeout(this.answerTimer);
    for (const q of [...this.questions.values()]) q.done();
    await this.d.sub.unsubscribe([this.d.keys.beats, this.d.keys.to(this.d.node)]).catch(() => {});
  }

  private prune(now: number): void {
    for (const [id, h] of this.others) if (now - h.at > this.d.ttlMs) this.others.delete(id);
  }

  private heard(message: string): void {
    const a = message.indexOf('\n');
    const b = a < 0 ? -1 : message.indexOf('\n', a + 1);
    if (a <= 0 || b < 0) return;
    const from = message.slice(0, a);
    if (from === this.d.node) return;
    const kind = message.slice(a + 1, b);
    const body = message.slice(b + 1);
    try {
      if (kind === 'card' || kind === 'hello') {
        const card = parseCard(body);
        if (!card || card.id !== from) return;
        this.others.set(from, { at: performance.now(), card });
        if (kind === 'hello') this.answerSoon();
        this.d.heardCard?.();
      } else if (kind === 'bye') {
        this.others.delete(from);
        this.d.heardCard?.();
      } else if (kind === 'ask') this.answer(from, body);
    } catch (e) {
      this.d.log.warn({ err: (e as Error).message, from, kind }, "cluster: another node's heartbeat message could not be read; it was skipped");
    }
  }

  private answerSoon(): void {
    if (this.answerTimer) return;
    this.answerTimer = setTimeout(() => {
      this.answerTimer = null;
      this.d.beatSoon();
    }, ANSWER_MS);
  }

  private answer(from: string, body: string): void {
    const q = JSON.parse(body) as { id?: unknown; w?: unknown };
    if (typeof q.id !== 'string' || q.id.length > 64 || typeof q.w !== 'string' || q.w.length > MAX_WALL_ID) return;
    const json = JSON.stringify({ [q.w]: this.d.rows(q.w) });
    this.d.main.sendCommand(['PUBLISH', this.d.keys.to(from), `${q.id}\n${this.d.node}\n${json}`]).catch(() => {
      /* Redis unreachable: the asker lists without this node's rows */
    });
  }

  private answered(message: string): void {
    const a = message.indexOf('\n');
    const b = a < 0 ? -1 : message.indexOf('\n', a + 1);
    if (a <= 0 || b < 0) return;
    const q = this.questions.get(message.slice(0, a));
    const from = message.slice(a + 1, b);
    if (!q || !q.want.has(from)) return;
    q.got.set(from, message.slice(b + 1));
    if (q.got.size >= q.want.size) q.done();
  }
}
