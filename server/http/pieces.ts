import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PieceRollback, describeIssues, fail, type PieceUploaded } from '../../protocol';
import { FILE_TYPES, parseBundle, type BundleLimits } from '../pieces/bundle';
import type { PieceStore, UploadRole } from '../pieces/uploads';
import type { Auth, Role } from './auth';
import { requireHttpRole } from './guard';
import { statusOf } from './api';

export interface PieceRoutesDeps {
  auth: Auth;
  store: PieceStore;
  limits: BundleLimits;
}

const TOKEN_HINT = {
  artist: 'send the artist token (PAVILION_ARTIST_TOKEN, or artistToken in data/secrets.json) or the technician token as `Authorization: Bearer <token>`',
  technician: 'send the technician token (PAVILION_ADMIN_TOKEN, or adminToken in data/secrets.json) as `Authorization: Bearer <token>`',
};

/** Checks the token before the body is read: an unauthorised upload is refused before it is received. */
function allow(auth: Auth, roles: Role[]) {
  return requireHttpRole(auth, roles, roles.includes('artist') ? TOKEN_HINT.artist : TOKEN_HINT.technician);
}

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
        const parsed = await parseBundle(req.body, limits);
        if (!parsed.ok) return reply.code(statusOf(parsed.code)).send(fail(parsed.code, `upload refused: ${parsed.message}`));
        const role = ((req as FastifyRequest & { role?: Role }).role ?? 'artist') as UploadRole;
        const res = store.accept(parsed.bundle, role);
        if (!res.ok) return reply.code(statusOf(res.code)).send(fail(res.code, `upload refused: ${res.message}`));
        const { id, version } = parsed.bundle;
        const body: PieceUploaded = {
          ok: true,
          id,
          version,
          moduleUrl: store.versions(id)?.versions.find((v) => v.version === version)?.moduleUrl ?? '',
          previewUrl: `/preview/${id}`,
          previous: res.previous,
          warnings: res.warnings,
        };
        return reply.code(201).send(body);
      },
    );

    scope.get('/api/pieces', { onRequest: artistOrTechnician }, async () => ({ ok: true, pieces: store.list() }));

    scope.get('/api/pieces/:id/versions', { onRequest: artistOrTechnician }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const v = store.versions(id);
      if (!v) return reply.code(404).send(fail('unknown_installation', `there is no uploaded piece '${id}'; GET /api/pieces lists them (bundled pieces have no versions to roll back)`));
      return { ok: true, ...v };
    });

    scope.post('/api/pieces/:id/rollback', { onRequest: technician }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const body = PieceRollback.safeParse(req.body);
      if (!body.success) return reply.code(400).send(fail('bad_request', `send {"version":"1.0.0"}: ${describeIssues(body.error.issues)}`));
      const res = store.activate(id, body.data.version);
      if (!res.ok) return reply.code(statusOf(res.code)).send(fail(res.code, res.message));
      return { ok: true, id, active: body.data.version, previous: res.previous };
    });

    scope.get('/pieces/:id/:version/*', async (req, reply) => {
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
  });
}
