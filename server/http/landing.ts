import type { FastifyInstance } from 'fastify';
import type { Show } from '../../protocol';

/** A wall as anyone may see it: what the landing page lists (its visitor page is public anyway, on its QR code). */
export interface PublicWall {
  id: string;
  name: string;
  /** The wall's visitor page, on this origin. */
  visit: string;
  /** Whether visitors' phones play it now (wall.visitors). */
  visitorInput: boolean;
  /** How many screens the wall has. */
  screens: number;
}

/** The walls of the show, for the landing page: names and visitor links only, never a screen's key. */
export function publicWalls(show: Show): PublicWall[] {
  const screens = Object.values(show.screens);
  return Object.values(show.walls)
    .map((w) => ({ id: w.id, name: w.name, visit: `/visit/${encodeURIComponent(w.id)}`, visitorInput: w.visitorInput, screens: screens.filter((s) => s.wallId === w.id).length }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** GET /api/walls: public, read-only. Screen addresses (with their keys) stay behind the technician's GET /api/show. */
export function registerLandingApi(app: FastifyInstance, show: () => Show): void {
  app.get('/api/walls', async (_req, reply) => {
    reply.header('Cache-Control', 'no-store');
    return publicWalls(show());
  });
}
