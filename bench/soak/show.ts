/**
 * The soak's show, made through the technician API only: the demo show exported, its walls and
 * screens replaced by WALLS walls of 2×2 screens (each paired, with a fresh key), imported; then
 * CUES cues saved with `cue.save`, each playing a different bundled piece with different params on
 * every wall, so that firing them in turn switches every screen's piece each time.
 */
import type { ParamSpec, ParamValues, Show } from '../../protocol';
import { newScreenKey } from '../../server/screens/keys';

export const WALLS = ['soak-a', 'soak-b', 'soak-c', 'soak-d'];
export const PER_WALL = 4;
export const CUES = 5;

export class Api {
  /** Commands the server refused (an error of the soak), with the first few messages. */
  refused = 0;
  /** Commands that got no answer (the request failed or timed out: a starved server); errors too. */
  failed = 0;
  readonly refusals: string[] = [];
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  async call<T>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    return json;
  }

  /** One command through POST /api/commands; a refusal is counted, not thrown. */
  async command(cmd: Record<string, unknown>): Promise<boolean> {
    let r: { ok: boolean };
    try {
      r = await this.call<{ ok: boolean }>('POST', '/api/commands', cmd);
    } catch (e) {
      const status = /: (\d{3}) /.exec((e as Error).message);
      if (status) this.refused++;
      else this.failed++;
      if (this.refusals.length < 5) this.refusals.push(`${String(cmd.type)}: ${(e as Error).message}${(e as Error).cause ? ` (${String((e as Error).cause)})` : ''}`);
      return false;
    }
    if (r.ok) return true;
    this.refused++;
    if (this.refusals.length < 5) this.refusals.push(`${String(cmd.type)}: ${JSON.stringify(r).slice(0, 300)}`);
    return false;
  }
}

interface Installation {
  id: string;
  source: string;
  params: Record<string, ParamSpec>;
}

/** Params for variant `k` of a piece: selects rotate, numbers swing around their default, booleans flip. */
function variant(params: Record<string, ParamSpec>, k: number): ParamValues {
  const out: ParamValues = {};
  for (const [name, spec] of Object.entries(params)) {
    if (spec.type === 'select') out[name] = spec.options[k % spec.options.length]!;
    else if (spec.type === 'boolean') out[name] = k % 2 ? !spec.default : spec.default;
    else if (spec.type === 'number' || spec.type === 'integer') {
      const v = Math.min(spec.max, Math.max(spec.min, spec.default * [1, 0.8, 1.2, 0.9, 1.1][k % 5]!));
      out[name] = spec.type === 'integer' ? Math.round(v) : Math.round(v * 100) / 100;
    }
  }
  return out;
}

/** Builds the show and the cues; returns the screens' ids and the cue ids. */
export async function setUpShow(api: Api): Promise<{ screens: string[]; cues: string[]; pieces: string[] }> {
  const installations = await api.call<Installation[]>('GET', '/api/installations');
  const pieces = installations.filter((p) => p.source === 'bundled').map((p) => p.id);
  if (pieces.length < 2) throw new Error(`bench:soak needs at least two bundled pieces, found ${pieces.join(', ') || 'none'}`);
  const doc = await api.call<Show>('GET', '/api/show/export');
  const template = Object.values(doc.walls)[0];
  if (!template) throw new Error('bench:soak: the demo show has no wall to copy');
  const walls: Show['walls'] = {};
  const screens: Show['screens'] = {};
  WALLS.forEach((id, w) => {
    walls[id] = { ...template, id, name: `Soak ${id.slice(-1).toUpperCase()} (2×2)`, width: 3840, height: 2160, installationId: pieces[w % pieces.length]!, params: {}, audioScreens: [], visitorCap: 1000, visitorInput: true, showQr: false };
    for (let s = 0; s < PER_WALL; s++) {
      const sid = `${id}-${s + 1}`;
      screens[sid] = { id: sid, wallId: id, rect: { x: (s % 2) * 1920, y: Math.floor(s / 2) * 1080, w: 1920, h: 1080 }, blackout: false, key: newScreenKey() };
    }
  });
  await api.call('POST', '/api/show/import', { ...doc, walls, screens, cues: [], cuePosition: -1, cueStandby: 0 });

  const byId = new Map(installations.map((p) => [p.id, p]));
  const cues: string[] = [];
  for (let k = 0; k < CUES; k++) {
    const cueId = `soak-${k + 1}`;
    const commands = WALLS.map((wallId, w) => {
      const piece = pieces[(w + k) % pieces.length]!;
      return { type: 'wall.play', wallId, installationId: piece, params: variant(byId.get(piece)!.params, k) };
    });
    if (!(await api.command({ type: 'cue.save', cueId, name: `Soak ${k + 1}`, commands }))) throw new Error(`bench:soak: cue.save ${cueId} was refused: ${api.refusals.at(-1)}`);
    cues.push(cueId);
  }
  return { screens: Object.keys(screens), cues, pieces };
}
