import { emptyDmx, fail, type Command, type DmxState, type Show } from '../../protocol';
import type { ReduceContext, ReduceResult } from './reducer';

export type DmxCommand = Extract<Command, { type: 'dmx.output' | 'dmx.output.delete' | 'dmx.set' | 'dmx.release' | 'dmx.blackout' | 'wall.lights' }>;
export const DMX_COMMAND_TYPES: ReadonlySet<string> = new Set(['dmx.output', 'dmx.output.delete', 'dmx.set', 'dmx.release', 'dmx.blackout', 'wall.lights']);

/** What the DMX sender (server/links/dmx-engine.ts) does beyond what the show records: fades and times. */
export type DmxEffect =
  | { kind: 'dmx.set'; output: string; channels: Record<number, number>; fadeMs: number; at: number }
  | { kind: 'dmx.release'; output: string; channels: number[] | null; at: number };

/**
 * The DMX commands (pure, like the reducer that calls them; protocol/dmx.ts):
 * - dmx.output / dmx.output.delete: the outputs (a node's address, protocol and universe);
 * - dmx.set: records the channels' new values (restored on restart) and asks the sender to fade to
 *   them from `at`; dmx.release: forgets them (they go to 0);
 * - dmx.blackout: binds show.blackout to a scene (house lights); wall.lights: a wall's light map.
 */
export function reduceDmx(show: Show, c: DmxCommand, ctx: ReduceContext): ReduceResult {
  const dmx = show.dmx ?? emptyDmx();
  const known = (id: string) => !!dmx.outputs[id];
  const unknown = (id: string) =>
    fail('not_found', `there is no DMX output '${id}'; add it first (dmx.output) or pick one of: ${Object.keys(dmx.outputs).join(', ') || '(none)'}`);
  switch (c.type) {
    case 'dmx.output': {
      const { type: _type, ...output } = c;
      return done(show, { ...dmx, outputs: { ...dmx.outputs, [c.id]: output } });
    }
    case 'dmx.output.delete': {
      if (!known(c.output)) return unknown(c.output);
      if (dmx.blackout && c.output in dmx.blackout.scene)
        return fail('conflict', `DMX output '${c.output}' is part of the blackout scene; take it out of the scene first (dmx.blackout)`);
      const wall = Object.entries(dmx.lights).find(([wallId, map]) => !!show.walls[wallId] && Object.values(map).some((m) => m.output === c.output));
      if (wall) return fail('conflict', `wall '${wall[0]}' sends its piece's lights to DMX output '${c.output}'; change its map first (wall.lights)`);
      const outputs = { ...dmx.outputs };
      const values = { ...dmx.values };
      delete outputs[c.output];
      delete values[c.output];
      return done(show, { ...dmx, outputs, values });
    }
    case 'dmx.set': {
      if (!known(c.output)) return unknown(c.output);
      const values = { ...dmx.values, [c.output]: { ...(dmx.values[c.output] ?? {}), ...c.channels } };
      const channels = Object.fromEntries(Object.entries(c.channels).map(([k, v]) => [Number(k), v]));
      return done(show, { ...dmx, values }, [{ kind: 'dmx.set', output: c.output, channels, fadeMs: c.fadeMs ?? 0, at: c.at ?? ctx.now }]);
    }
    case 'dmx.release': {
      if (!known(c.output)) return unknown(c.output);
      const held = { ...(dmx.values[c.output] ?? {}) };
      if (c.channels) for (const ch of c.channels) delete held[String(ch)];
      const values = { ...dmx.values, [c.output]: c.channels ? held : {} };
      return done(show, { ...dmx, values }, [{ kind: 'dmx.release', output: c.output, channels: c.channels ?? null, at: c.at ?? ctx.now }]);
    }
    case 'dmx.blackout': {
      if (c.scene) for (const id of Object.keys(c.scene)) if (!known(id)) return unknown(id);
      return done(show, { ...dmx, blackout: c.scene ? { scene: c.scene, fadeMs: c.fadeMs } : null });
    }
    case 'wall.lights': {
      if (!show.walls[c.wallId]) return fail('unknown_wall', `there is no wall '${c.wallId}'; pick one of: ${Object.keys(show.walls).join(', ') || '(none)'}`);
      for (const [name, m] of Object.entries(c.map)) if (!known(m.output)) return fail('not_found', `light '${name}' goes to DMX output '${m.output}', which does not exist; add it first (dmx.output)`);
      const lights = { ...dmx.lights, [c.wallId]: c.map };
      if (Object.keys(c.map).length === 0) delete lights[c.wallId];
      return done(show, { ...dmx, lights });
    }
  }
}

function done(show: Show, dmx: DmxState, effects: DmxEffect[] = []): ReduceResult {
  return { ok: true, show: { ...show, dmx }, changed: true, effects };
}

/**
 * The ack's note for a `dmx.set`/`dmx.release` with `at` whose durable write ended after `at`
 * (the journal's fsync took longer than the lead it was given): it is applied, and its frame left as
 * soon as it could, late by that much, as the ack of a too-soon wall.play says which screens switch late.
 */
export function dmxLateNote(command: Command, durableAt: number): { warning?: string } {
  if ((command.type !== 'dmx.set' && command.type !== 'dmx.release') || command.at === undefined || durableAt <= command.at) return {};
  const ms = Math.ceil(durableAt - command.at);
  return {
    warning:
      `${command.type} on DMX output '${command.output}' was saved ${ms} ms after its \`at\` (the disk was slow to make it durable), ` +
      `so its frame left about ${ms} ms late. To land on time, give \`at\` more lead than the slowest saves (pavilion_command_durable_seconds), or leave \`at\` out.`,
  };
}
