import fs from 'node:fs';
import path from 'node:path';
import type { SchedulerMemory } from '../show/scheduler';
import { replaceFileDurably } from './durable';

/** Where the scheduler remembers the day's handled events between restarts. */
export function schedulerFile(dataDir: string): string {
  return path.join(dataDir, 'schedule-state.json');
}

/** The scheduler's memory in a file, replaced durably on every save. */
export function fileMemory(file: string): SchedulerMemory {
  return {
    load() {
      try {
        const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { day?: unknown; handled?: unknown };
        if (typeof raw.day === 'string' && Array.isArray(raw.handled) && raw.handled.every((h) => typeof h === 'string'))
          return { day: raw.day, handled: raw.handled as string[] };
      } catch {
        /* missing or damaged: start with nothing handled */
      }
      return null;
    },
    save(state) {
      replaceFileDurably(file, JSON.stringify(state));
    },
  };
}
