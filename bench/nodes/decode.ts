// bench/nodes/decode.ts: what a node spends per other node's visitor state it hears (parse + apply, server/cluster/visitor-partials.ts), and per frame to merge them. Usage: npx tsx bench/nodes/decode.ts [states per message 17] [phones on the wall 1000]
import { applyPartial, mergeStates, newOutgoing, parsePartial, partialOf, type Remote } from '../../server/cluster/visitor-partials';
import type { VisitorFrame, VisitorState } from '../../protocol';
const PER_MSG = Number(process.argv[2] ?? 17);
const WALL = Number(process.argv[3] ?? 1000);
const mk = (i: number, t: number): VisitorState => ({ id: `v${i.toString(36).padStart(10, '0')}`, hue: (i % 100) / 100, input: { pad: { x: Math.round(Math.sin(t + i) * 1000) / 1000, y: Math.round(Math.cos(t + i) * 1000) / 1000 } }, inputAt: t, sentAt: t } as unknown as VisitorState);
let states = Array.from({ length: WALL }, (_, i) => mk(i, 0));
const out = newOutgoing();
const msgs: string[] = [];
// Messages as a node sends them: each frame changes PER_MSG states.
for (let f = 1; f <= 2000; f++) {
  states = states.slice();
  for (let k = 0; k < PER_MSG; k++) { const i = (f * PER_MSG + k) % WALL; states[i] = mk(i, f); }
  const frame: VisitorFrame = { wallId: 'main', seq: f, at: f, visitors: states, events: [], oldestSentAt: f };
  const p = partialOf(out, frame, f < 2 ? 0 : 1); // one full first, then deltas
  if (p) msgs.push(`node-b\n${JSON.stringify(p)}`);
}
let remote: Remote | undefined;
const remotes = new Map<string, Remote>();
const t0 = process.cpuUsage();
const w0 = performance.now();
let n = 0;
for (let rep = 0; rep < 5; rep++) {
  remote = undefined;
  for (const m of msgs) {
    const p = parsePartial(m.slice(m.indexOf('\n') + 1))!;
    remote = applyPartial(remote, p, 0).remote;
    remotes.set('node-b', remote);
    n += p.s.length;
  }
}
const cpu = process.cpuUsage(t0);
console.log(`${msgs.length * 5} messages, ${n} states, ${(msgs.reduce((a, m) => a + m.length, 0) / msgs.length).toFixed(0)} bytes per message: parse+apply ${(((cpu.user + cpu.system) / n)).toFixed(2)} us CPU per state (${((performance.now() - w0) * 1000 / n).toFixed(2)} us wall)`);
const t1 = process.cpuUsage();
for (let i = 0; i < 2000; i++) mergeStates('node-a', [], remotes);
const c1 = process.cpuUsage(t1);
console.log(`mergeStates of ${WALL} remote states: ${((c1.user + c1.system) / 2000).toFixed(1)} us CPU per frame`);
