/**
 * npm run bench:storage — commands per second with fsync, through the real show store, on a show
 * of 100 screens, 20 walls and 200 cues: Pavilion's patch journal against the whole-show journal
 * it replaced (issue 12), in the same run, on the same disk (under the repository's .tmp/, not
 * /tmp, which may be a RAM disk where fsync costs nothing).
 *
 *   npm run bench:storage                      # 400 commands per journal, 3 rounds, alternating
 *   npm run bench:storage -- --commands 1000 --rounds 5
 */
import fs from 'node:fs';
import path from 'node:path';
import { arg } from '../lib/args';
import { ROOT } from '../lib/child';
import { fmt, median } from '../lib/stats';
import { createFileStorage, createMemoryStorage, type ShowStorage } from '../../server/persistence/journal';
import { createShowStore } from '../../server/show/store';
import { demoShow } from '../../server/show/demo';
import type { Command, Manifest, Show } from '../../protocol';
import { wholeShowJournal } from './whole-show';

const COMMANDS = arg('commands', 400);
const ROUNDS = arg('rounds', 3);
const WALLS = arg('walls', 20);
const SCREENS = arg('screens', 100);
const CUES = arg('cues', 200);

const piece: Pick<Manifest, 'id' | 'params'> = {
  id: 'bench-piece',
  params: { speed: { type: 'number', min: 0, max: 10, default: 1 }, density: { type: 'number', min: 0, max: 1, default: 0.5 } },
};
const time = () => 1_800_000_000_000;

/** The big show, built through the store's own commands. */
function bigShow(): Show {
  const store = createShowStore({ initial: demoShow(time(), () => null), storage: createMemoryStorage(), time, piece: (id) => (id === piece.id ? piece : undefined) });
  const must = (c: unknown) => {
    const r = store.dispatch(c);
    if (!r.ok) throw new Error(`bench: ${JSON.stringify(c)} refused: ${r.error.message}`);
  };
  const perWall = Math.ceil(SCREENS / WALLS);
  for (let w = 0; w < WALLS; w++) {
    const wallId = `wall-${w}`;
    must({ type: 'wall.create', wallId, name: `Wall ${w}`, width: 1920 * perWall, height: 1080 });
    const screens = Array.from({ length: perWall }, (_, i) => ({ screenId: `screen-${w}-${i}`, rect: { x: 1920 * i, y: 0, w: 1920, h: 1080 } }));
    must({ type: 'wall.layout', wallId, width: 1920 * perWall, height: 1080, screens });
    must({ type: 'wall.play', wallId, installationId: piece.id });
  }
  for (let c = 0; c < CUES; c++)
    must({ type: 'cue.save', cueId: `cue-${c}`, name: `Cue ${c}`, commands: [{ type: 'wall.params', wallId: `wall-${c % WALLS}`, params: { speed: (c % 10) + 0.5 } }, { type: 'show.volume', volume: (c % 10) / 10 }] });
  return store.get();
}

/** The commands a technician's busy minute sends: param drags, blackouts, volume. */
function command(i: number): Command {
  const wallId = `wall-${i % WALLS}`;
  if (i % 10 === 9) return { type: 'screen.blackout', screenId: `screen-${i % WALLS}-0`, on: i % 20 === 19 };
  if (i % 10 === 8) return { type: 'show.volume', volume: (i % 7) / 7 };
  return { type: 'wall.params', wallId, params: { speed: (i % 100) / 10, density: ((i * 7) % 100) / 100 } };
}

function measure(label: string, storage: ShowStorage, show: Show, dir: string): { perSecond: number; bytesPerCommand: number } {
  const store = createShowStore({ initial: show, storage, time, piece: (id) => (id === piece.id ? piece : undefined) });
  storage.save(show); // the starting point, not measured
  const journal = path.join(dir, 'show.journal');
  const before = fs.existsSync(journal) ? fs.statSync(journal).size : 0;
  const t0 = performance.now();
  for (let i = 0; i < COMMANDS; i++) {
    const r = store.dispatch(command(i));
    if (!r.ok) throw new Error(`bench: ${label}: command ${i} refused: ${r.error.message}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const after = fs.existsSync(journal) ? fs.statSync(journal).size : 0;
  storage.close();
  return { perSecond: COMMANDS / seconds, bytesPerCommand: after >= before ? (after - before) / COMMANDS : NaN };
}

const show = bigShow();
const showBytes = Buffer.byteLength(JSON.stringify(show));
const base = path.join(ROOT, '.tmp', 'bench-storage');
fs.rmSync(base, { recursive: true, force: true });
console.log(`bench:storage — ${COMMANDS} commands × ${ROUNDS} rounds per journal; show of ${Object.keys(show.screens).length} screens, ${Object.keys(show.walls).length} walls, ${show.cues.length} cues (${fmt(showBytes / 1024, 1)} KB)`);
const ours: number[] = [];
const peer: number[] = [];
let oursBytes = NaN;
let peerBytes = NaN;
for (let r = 0; r < ROUNDS; r++) {
  // Alternate which goes first, so that neither always meets a warmer disk.
  const order = r % 2 === 0 ? (['patch', 'whole'] as const) : (['whole', 'patch'] as const);
  for (const which of order) {
    const dir = path.join(base, `${which}-${r}`);
    // The patch journal compacts at its default 1 MB, as in the server; the peer never did before 4 MB.
    const res = which === 'patch' ? measure(which, createFileStorage(dir), show, dir) : measure(which, wholeShowJournal(dir), show, dir);
    if (which === 'patch') {
      ours.push(res.perSecond);
      oursBytes = res.bytesPerCommand;
    } else {
      peer.push(res.perSecond);
      peerBytes = res.bytesPerCommand;
    }
    console.log(`  round ${r + 1} ${which.padEnd(5)} ${fmt(res.perSecond, 0).padStart(7)} commands/s, ${fmt(res.bytesPerCommand, 0)} bytes journalled per command`);
  }
}
fs.rmSync(base, { recursive: true, force: true });
const result = {
  bench: 'storage',
  at: new Date().toISOString(),
  options: { commands: COMMANDS, rounds: ROUNDS, walls: WALLS, screens: SCREENS, cues: CUES },
  showBytes,
  patchJournal: { commandsPerSecondMedian: median(ours), rounds: ours, bytesPerCommand: oursBytes },
  wholeShowJournal: { commandsPerSecondMedian: median(peer), rounds: peer, bytesPerCommand: peerBytes },
  ratio: median(ours) / median(peer),
};
console.log(`\npatch journal ${fmt(result.patchJournal.commandsPerSecondMedian, 0)} commands/s (median), whole-show journal ${fmt(result.wholeShowJournal.commandsPerSecondMedian, 0)}: ${fmt(result.ratio, 2)}×; bytes per command ${fmt(oursBytes, 0)} vs ${fmt(peerBytes, 0)}`);
fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
const out = path.join(ROOT, 'bench', 'results', `storage-${result.at.slice(0, 16).replace(/:/g, '')}.json`);
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`written: ${path.relative(ROOT, out)}`);
