import type { FastifyInstance } from 'fastify';
import { ArtistCreate, describeIssues, fail, type ArtistCreated, type ArtistInfo } from '../../protocol';
import type { ArtistTokens, ArtistEntry } from './artist-tokens';
import type { PieceState } from '../pieces/current';
import type { Auth } from './auth';
import { requireHttpRole } from './guard';
import { statusOf } from './api';

export interface ArtistRoutesDeps {
  auth: Auth;
  artists: ArtistTokens;
  pieces: PieceState;
  /** PAVILION_ARTIST_TOKEN's artist (PAVILION_ARTIST_NAME). */
  firstArtist: string;
}

const HINT = 'artists are managed by the technician: sign in on the control panel, or send the technician token as `Authorization: Bearer <token>`';

/**
 * Artists' tokens, technician only: list, make one (its raw token is in this answer and nowhere
 * else, ever), revoke one. Each change is logged, without the token; tokens never enter the show,
 * its journal or an export (only their SHA-256, in <data>/artists.json).
 */
export function registerArtistRoutes(app: FastifyInstance, deps: ArtistRoutesDeps): void {
  const technician = { onRequest: requireHttpRole(deps.auth, ['technician'], HINT) };
  const info = (a: ArtistEntry): ArtistInfo => ({ name: a.name, source: 'panel', createdAt: a.createdAt, revokedAt: a.revokedAt, pieces: deps.pieces.ownedBy(a.name) });

  app.get('/api/artists', technician, async (_req, reply) => {
    const first: ArtistInfo = { name: deps.firstArtist, source: 'config', createdAt: null, revokedAt: null, pieces: deps.pieces.ownedBy(deps.firstArtist) };
    // Newest first; a revoked token stays listed (its pieces keep their owner's name).
    const made = deps.artists.list().map(info).reverse();
    return reply.header('Cache-Control', 'no-store').send({ ok: true, artists: [first, ...made] });
  });

  app.post('/api/artists', { ...technician, config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (req, reply) => {
    const body = ArtistCreate.safeParse(req.body);
    if (!body.success) return reply.code(400).send(fail('bad_request', `send {"name":"jane-doe"}: ${describeIssues(body.error.issues)}`));
    const res = deps.artists.create(body.data.name);
    if (!res.ok) return reply.code(statusOf(res.code)).send(fail(res.code, res.message));
    req.log.info({ artist: res.artist.name }, 'artists: token made');
    const answer: ArtistCreated = { ok: true, artist: info(res.artist), token: res.token };
    return reply.code(201).header('Cache-Control', 'no-store').send(answer);
  });

  app.delete('/api/artists/:name', technician, async (req, reply) => {
    const { name } = req.params as { name: string };
    if (name === deps.firstArtist)
      return reply
        .code(409)
        .send(fail('conflict', `'${name}' is the artist of PAVILION_ARTIST_TOKEN (or artistToken in data/secrets.json); change or remove it there and restart`));
    const res = deps.artists.revoke(name);
    if (!res.ok) return reply.code(statusOf(res.code)).send(fail(res.code, res.message));
    req.log.info({ artist: name }, 'artists: token revoked');
    return { ok: true, artist: info(res.artist) };
  });
}
