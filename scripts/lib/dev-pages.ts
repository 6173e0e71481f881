import path from 'node:path';
import type { Plugin } from 'vite';

/** The app's page routes (server/http/pages.ts) mapped to their HTML files, for the dev server. */
const ROUTES: Array<[RegExp, string]> = [
  [/^\/display\/?$/, '/display.html'],
  [/^\/control\/?$/, '/control.html'],
  // Ids only (no dots): /visit/main.tsx and /preview/main.tsx are the pages' own modules.
  [/^\/visit\/[a-z0-9][a-z0-9-]*\/?$/, '/visit.html'],
  [/^\/preview(\/[a-z0-9][a-z0-9-]*)?\/?$/, '/preview.html'],
  // The stage, where pieces run: `npm run dev` serves it on a second port of this server.
  [/^\/stage\/?$/, '/stage.html'],
];

/**
 * Vite plugin (dev only): serves /display, /control, /visit/:wall and /preview/:id from their HTML
 * pages, as the production server does, so the same URLs work with hot reload. It also watches
 * installations/ (outside the client root), so a piece scaffolded while the server runs is found.
 */
export function devPages(installations = path.resolve(import.meta.dirname, '..', '..', 'installations')): Plugin {
  return {
    name: 'pavilion-dev-pages',
    apply: 'serve',
    // The pages sit at the root of client/, but /preview/<id> is one folder deeper: make their relative URLs absolute.
    transformIndexHtml: { order: 'pre', handler: (html) => html.replace(/\b(src|href)="\.\//g, '$1="/') },
    // A piece (or the SDK) changed: reload the page. WebGL state does not survive React Fast Refresh
    // well, and a piece's module object is cached by the host, so a full reload is the honest update.
    hotUpdate({ file }) {
      if (!file.startsWith(installations + path.sep)) return;
      // A manifest edit reloads once the dev catalog has read it (scripts/dev.ts), not before.
      if (path.basename(file) === 'manifest.json') return [];
      this.environment.hot.send({ type: 'full-reload' });
      return [];
    },
    configureServer(server) {
      server.watcher.add(installations);
      server.middlewares.use((req, _res, next) => {
        const [pathname, query] = (req.url ?? '/').split('?', 2) as [string, string | undefined];
        const page = ROUTES.find(([re]) => re.test(pathname))?.[1];
        if (page) req.url = query ? `${page}?${query}` : page;
        next();
      });
    },
  };
}
