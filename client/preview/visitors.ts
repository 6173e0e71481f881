import type { ShowTime } from 'pavilion/sdk';
import type { InputSpec, InputValue, VisitorEvent, VisitorState, VisitorWireFrame } from '../../protocol';
import { localFrame } from '../host';
import { localNow } from '../core/now';

/** The fake visitor the panel drives. */
export const YOU = 'preview-you';

/**
 * The preview's visitors: you (driven from the panel) and a crowd of bots that wander and press.
 * Before each frame their state goes to the stage's visitor feed as an input frame, the way a
 * server's frames reach a screen, so pieces get them through the same path.
 */
export class FakeVisitors {
  private visitors: VisitorState[] = [];
  private pending: VisitorEvent[] = [];
  private crowdInputs: InputSpec[] = [];
  private lastBeat = new Map<string, number>();
  private seq = 0;
  private dirty = false;

  /** `time`: the piece's show time now (the bots move on it, and stop while paused). */
  constructor(
    private readonly feed: { receive(frame: VisitorWireFrame): void },
    private readonly time: () => Readonly<Pick<ShowTime, 'now' | 'seconds'>> | null,
  ) {}

  /** A value from the panel: an input's new state, or an event (a button press, a word). */
  setInput(visitorId: string, input: string, value: InputValue, event: boolean): void {
    const v = this.visitors.find((x) => x.id === visitorId);
    if (!v) return;
    if (event) this.pending.push({ visitorId, input, value, at: localNow() });
    else this.visitors = this.visitors.map((x) => (x === v ? { ...x, inputAt: this.now(), input: { ...x.input, [input]: value } } : x));
    this.dirty = true;
  }

  /** Who is there: you, and `crowd` bots using `inputs`. */
  setPresence(you: boolean, crowd: number, inputs: InputSpec[]): void {
    this.crowdInputs = inputs;
    const now = localNow();
    const keep = new Map(this.visitors.map((v) => [v.id, v]));
    const list: VisitorState[] = [];
    if (you) list.push(keep.get(YOU) ?? { id: YOU, hue: 0.55, joinedAt: now, inputAt: now, input: {} });
    for (let i = 0; i < crowd; i++) {
      const id = `preview-bot-${i + 1}`;
      list.push(keep.get(id) ?? { id, hue: (0.13 + i * 0.618034) % 1, joinedAt: now, inputAt: now, input: {} });
    }
    this.visitors = list;
    this.lastBeat = new Map([...this.lastBeat].filter(([id]) => keep.has(id.split(':')[0]!)));
    this.dirty = true;
  }

  /** Before each frame: the bots move, and what changed goes to the feed. */
  step(): void {
    if (this.visitors.some((v) => v.id !== YOU)) this.moveCrowd();
    if (!this.dirty && !this.pending.length) return;
    this.feed.receive(localFrame('preview', ++this.seq, this.now(), this.visitors, this.pending));
    this.pending = [];
    this.dirty = false;
  }

  private now(): number {
    return this.time()?.now ?? localNow();
  }

  /** Bots move in slow closed curves and press buttons every few seconds. */
  private moveCrowd(): void {
    const t = this.time()?.seconds ?? 0;
    const now = this.now();
    this.visitors = this.visitors.map((v, i) => {
      if (v.id === YOU) return v;
      const input: Record<string, InputValue> = { ...v.input };
      for (const spec of this.crowdInputs) {
        const a = t * (0.2 + 0.05 * (i % 5)) + i * 2.4;
        if (spec.type === 'xy' || spec.type === 'tilt') input[spec.id] = { x: Math.round(Math.sin(a) * 0.8 * 1e4) / 1e4, y: Math.round(Math.sin(a * 1.3 + i) * 0.7 * 1e4) / 1e4 };
        else if (spec.type === 'slider') input[spec.id] = spec.min + ((Math.sin(a) + 1) / 2) * (spec.max - spec.min);
        else {
          const beat = Math.floor((t + i * 1.7) / 6);
          const key = `${v.id}:${spec.id}`;
          if (this.lastBeat.has(key) && this.lastBeat.get(key) !== beat)
            this.pending.push({ visitorId: v.id, input: spec.id, value: spec.type === 'button' ? true : ['hello', 'light', 'echo', 'wave'][i % 4]!, at: now });
          this.lastBeat.set(key, beat);
        }
      }
      return { ...v, inputAt: now, input };
    });
    this.dirty = true;
  }
}
