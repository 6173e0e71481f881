/**
 * Admission to one wall: at most `cap` visitors play; the others wait in a first-in first-out
 * queue and know their position. Lowering the cap removes nobody: it only stops admitting until
 * enough players have left. Pure: ids in, decisions out.
 */
export class Admission {
  private readonly playing = new Set<string>();
  private readonly queue: string[] = [];

  constructor(
    private cap: number,
    readonly maxQueue = 5000,
  ) {}

  get playingCount(): number {
    return this.playing.size;
  }
  get queueLength(): number {
    return this.queue.length;
  }
  get capacity(): number {
    return this.cap;
  }

  /** Admits or queues `id`; already known ids keep their place. 'full' when the queue is full too. */
  join(id: string): { status: 'playing' } | { status: 'queued'; position: number } | { status: 'full' } {
    if (this.playing.has(id)) return { status: 'playing' };
    const at = this.queue.indexOf(id);
    if (at >= 0) return { status: 'queued', position: at + 1 };
    if (this.playing.size < this.cap && this.queue.length === 0) {
      this.playing.add(id);
      return { status: 'playing' };
    }
    if (this.queue.length >= this.maxQueue) return { status: 'full' };
    this.queue.push(id);
    return { status: 'queued', position: this.queue.length };
  }

  /** Removes `id` wherever it is; returns the ids admitted from the queue in its place. */
  leave(id: string): { promoted: string[]; queueChanged: boolean } {
    if (this.playing.delete(id)) {
      const promoted = this.fill();
      return { promoted, queueChanged: promoted.length > 0 };
    }
    const at = this.queue.indexOf(id);
    if (at >= 0) {
      this.queue.splice(at, 1);
      return { promoted: [], queueChanged: true };
    }
    return { promoted: [], queueChanged: false };
  }

  setCap(cap: number): string[] {
    this.cap = cap;
    return this.fill();
  }

  isPlaying(id: string): boolean {
    return this.playing.has(id);
  }

  /** 1-based place in the queue, or 0 when not queued. */
  position(id: string): number {
    return this.queue.indexOf(id) + 1;
  }

  queued(): readonly string[] {
    return this.queue;
  }

  private fill(): string[] {
    const promoted: string[] = [];
    while (this.playing.size < this.cap && this.queue.length) {
      const next = this.queue.shift()!;
      this.playing.add(next);
      promoted.push(next);
    }
    return promoted;
  }
}
