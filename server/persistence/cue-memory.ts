import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { CueMemory, CueSequenceState } from '../show/cue-sequencer';
import type { CueReviewMemory } from '../show/cue-review';
import { replaceFileDurably } from './durable';

/** Where the cue sequencer keeps its running waits between restarts. */
export function cueSequenceFile(dataDir: string): string {
  return path.join(dataDir, 'cue-sequence.json');
}

/** Where the cues a piece upgrade changed are remembered until the technician saves them again. */
export function cueReviewFile(dataDir: string): string {
  return path.join(dataDir, 'cue-review.json');
}

const Step = z.object({
  id: z.number().int(),
  kind: z.enum(['fire', 'go']),
  cueId: z.string().max(64),
  phase: z.enum(['pre-wait', 'post-wait', 'follow']),
  afterCueId: z.string().max(64).nullable(),
  startedAt: z.number().finite(),
  dueAt: z.number().finite(),
});
const SequenceState = z.object({ seq: z.number().int().min(0), steps: z.array(Step).max(1000) });
const ReviewState = z.record(z.string().max(64), z.string().max(4000));

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null; // missing or damaged: nothing remembered
  }
}

/** The running sequence in a file, replaced durably on every change. A damaged file reads as none. */
export function fileCueMemory(file: string): CueMemory {
  return {
    load(): CueSequenceState | null {
      const parsed = SequenceState.safeParse(readJson(file));
      return parsed.success ? parsed.data : null;
    },
    save(state) {
      replaceFileDurably(file, JSON.stringify(state));
    },
  };
}

/** The review flags in a file, replaced durably on every change. */
export function fileCueReviewMemory(file: string): CueReviewMemory {
  return {
    load() {
      const parsed = ReviewState.safeParse(readJson(file));
      return parsed.success ? parsed.data : {};
    },
    save(flags) {
      replaceFileDurably(file, JSON.stringify(flags));
    },
  };
}
