import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PieceRollback, describeIssues, fail, type Ack, type CommandInput, type CommandSource, type PieceUploaded } from '../../protocol';
import { FILE_TYPES, parseBundle, type BundleLimits } from '../pieces/bundle';
import type { PieceStore, Uploader } from '../pieces/uploads';
import type { PieceState } from '../pieces/current';
import type { Auth, Role, Verdict } from './auth';
import { checkRequest, refuse } from './guard';
import { statusOf } from './api';

export interface PieceRoutesDeps {
  auth: Auth;
  store: PieceStore;
  /** Owners and versions as the show records them. */
  state: PieceState;
  /** The one way to change the show (server/show/store.ts), with where the command came from. */
  dispatch: (command: CommandInput, source: CommandSource) => Ack<{ version: number }>;
  limits: BundleLimits;
  /** The name PAVILION_ARTIST_TOKEN's artist goes by (for a session without one). */
  firstArtist: string;
}

const TOKEN_HINT = {
  artist: 'send your artist token (the technician makes one per artist in the control panel, Artists; or PAVILION_ARTIST_TOKEN) or the technician token as `Authorization: Bearer <token>`',
  technician: 'send the technician token (PAVILION_ADMIN_TOKEN, or adminToken in data/secrets.json) as `Authorization: Bearer <token>`',
};

type Checked = FastifyRequest & { verdict?: Verdict };

/** Checks the token before the body is read: an unauthorised upload is refused before it is received. */
function allow(auth: Auth, roles: Role[]) {
  const hint = roles.includes('artist') ? TOKEN_HINT.artist : TOKEN_HINT.technician;
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const verdict = checkRequest(auth, req);
    if (refuse(reply, verdict, roles, hint)) return reply;
    (req as Checked).verdict = verdict;
  };
}

/** `?live=1` (or true/yes): the upload asks to replace the version walls play now. */
const wantsLive = (q: unknown) => {
  const v = (q as { live?: unknown } | null)?.live;
  return typeof v === 'string' && ['1', 'true', 'yes'].includes(v.toLowerCase());
};

/**
 * Live add: POST /api/pieces (a .pavilion bundle as the raw body), the kept versions, roll back,
 * and the stored files at /pieces/<id>/<version>/<path>.
 */
export async function registerPieceRoutes(app: FastifyInstance, deps: PieceRoutesDeps): Promise<void> {
  await app.register(async (scope) => {
    const { store, limits } = deps;
    const artistOrTechnician = allow(deps.auth, ['artist', 'technician']);
    const technician = allow(deps.auth, ['technician']);

    scope.addContentTypeParser(['application/octet-stream', 'application/x-pavilion-piece'], { parseAs: 'buffer', bodyLimit: limits.maxBundleBytes }, (_req, body, done) =>
      done(null, body),
    );
    scope.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _req, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413)
        return reply
          .code(413)
          .send(fail('too_large', `the bundle is larger than ${(limits.maxBundleBytes / 1048576).toFixed(1)} MB, the upload limit; shrink its assets (compress textures, shorten audio) and pack again`));
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.statusCode === 415)
        return reply.code(415).send(fail('bad_request', 'send the .pavilion file as the raw request body with `Content-Type: application/octet-stream`'));
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (status >= 500) scope.log.error({ err: error }, 'http: piece route failed');
      return reply.code(status).send(fail(status >= 500 ? 'internal' : 'bad_request', status >= 500 ? 'the server hit an error; it has been logged' : error.message));
    });

    scope.post(
      '/api/pieces',
      { onRequest: artistOrTechnician, bodyLimit: limits.maxBundleBytes, config: { rateLimit: { max: 30, timeWindow: '1 minute' } } },
      async (req, reply) => {
        if (!Buffer.isBuffer(req.body))
          return reply.code(415).send(fail('bad_request', 'send the .pavilion file as the raw request body with `Content-Type: application/octet-stream`'));
        const verdict = (req as Checked).verdict;
        const by: Uploader = verdict?.ok && verdict.role === 'technician' ? { role: 'technician' } : { role: 'artist', artist: (verdict?.ok && verdict.artist) || deps.firstArtist };
        const parsed = await parseBundle(req.body, limits);
        if (!parsed.ok) return reply.code(statusOf(parsed.code)).send(fail(parsed.code, `upload refused: ${parsed.message}`));
        const { id, version } = parsed.bundle;
        // From here to the answer nothing awaits: the owner checked is the owner recorded.
        const owner = deps.state.owner(id);
        if (by.role === 'artist' && owner !== undefined && owner !== by.artist)
          return reply
            .code(403)
            .send(
              fail(
                'forbidden',
                `upload refused: the piece id '${id}' belongs to ${owner === null ? 'the technician (no artist)' : `the artist '${owner}'`}, and your token is the artist '${by.artist}'s; only its owner or a technician may upload new versions of it. Give your piece another id (folder name and manifest "id"), or ask the technician to transfer '${id}' to you`,
              ),
            );
        const live = wantsLive(req.query) && by.role === 'technician';
        const previous = deps.state.current(id) ?? null;
        const res = store.accept(parsed.bundle, by, deps.state.inUse(id));
        if (!res.ok) return reply.code(statusOf(res.code)).send(fail(res.code, `upload refused: ${res.message}`));
        const recorded = deps.dispatch({ type: 'piece.add', pieceId: id, version, artist: owner !== undefined ? owner : by.role === 'artist' ? by.artist : null, live }, 'upload');
        if (!recorded.ok) {
          store.discard(id, version);
          return reply.code(statusOf(recorded.error.code)).send(fail(recorded.error.code, `upload refused: ${recorded.error.message}`));
        }
        const warnings = [...res.warnings];
        if (wantsLive(req.query) && !live)
          warnings.push('live=1 was ignored: only a technician can switch the walls playing a piece at once; this version plays from the next wall.play, or ask the technician to send piece.rollback with it');
        const body: PieceUploaded = {
          ok: true,
          id,
          version,
          moduleUrl: deps.state.versions(id)?.versions.find((v) => v.version === version)?.moduleUrl ?? '',
          previewUrl: `/preview/${id}?version=${version}`, // this version, whichever plays
          previous,
          live,
          owner: deps.state.owner(id) ?? null,
          warnings,
        };
        return reply.code(201).send(body);
      },
    );

    scope.get('/api/pieces', { onRequest: artistOrTechnician }, async () => ({ ok: true, pieces: deps.state.list() }));

    scope.get('/api/pieces/:id/versions', { onRequest: artistOrTechnician }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const v = deps.state.versions(id);
      if (!v) return reply.code(404).send(fail('unknown_installation', `there is no uploaded piece '${id}'; GET /api/pieces lists them (bundled pieces have no versions to roll back)`));
      return { ok: true, ...v };
    });

    // A thin wrapper over the command piece.rollback (also on POST /api/commands, in cues, on the panel's socket).
    scope.post('/api/pieces/:id/rollback', { onRequest: technician }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const body = PieceRollback.safeParse(req.body);
      if (!body.success) return reply.code(400).send(fail('bad_request', `send {"version":"1.0.0"}: ${describeIssues(body.error.issues)}`));
      const previous = deps.state.current(id) ?? null;
      const res = deps.dispatch({ type: 'piece.rollback', pieceId: id, version: body.data.version, ...(body.data.live !== undefined ? { live: body.data.live } : {}) }, 'rest');
      if (!res.ok) return reply.code(statusOf(res.error.code)).send(res);
      return { ok: true, id, active: body.data.version, previous, version: res.version };
    });

    registerPieceFiles(scope, store);
  });
}

/** The route of uploaded pieces' stored files, on the main origin and on the stage origin alike. */
export const PIECE_FILES_ROUTE = '/pieces/:id/:version/*';

/**
 * GET /pieces/<id>/<version>/<path>: one stored file of an uploaded piece. A stored version never
 * changes, so it is cached forever; opened directly, a file runs nothing (CSP sandbox).
 */
export function registerPieceFiles(app: FastifyInstance, store: Pick<PieceStore, 'filePath'>): void {
  app.get(PIECE_FILES_ROUTE, async (req, reply) => {
    const { id, version, '*': rel } = req.params as { id: string; version: string; '*': string };
    const file = store.filePath(id, version, rel);
    if (!file) return reply.code(404).send(fail('not_found', `no file ${rel} in piece '${id}' ${version}`));
    const type = FILE_TYPES[path.extname(file).slice(1).toLowerCase()] ?? 'application/octet-stream';
    return reply
      .header('Content-Type', type)
      .header('Cache-Control', 'public, max-age=31536000, immutable') // a version never changes once stored
      .header('Content-Security-Policy', "sandbox; default-src 'none'") // opened directly, a file can run nothing
      .header('Cross-Origin-Resource-Policy', 'same-origin')
      .send(fs.createReadStream(file));
  });
}
