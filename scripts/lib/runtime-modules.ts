import { createRequire } from 'node:module';
import type { Plugin } from 'vite';
import { SHARED_MODULES, type SharedSpecifier } from '../../protocol/shared-modules.js';

export { SHARED_MODULES, runtimeUrl, RUNTIME_PREFIX, type SharedSpecifier } from '../../protocol/shared-modules.js';

/** CommonJS packages: `export *` cannot see their names, so they are listed explicitly. */
const COMMONJS = new Set<SharedSpecifier>(['react', 'react/jsx-runtime', 'react-dom']);
const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Source of the module that re-exports one shared specifier. */
export function runtimeModuleSource(specifier: SharedSpecifier, require = createRequire(import.meta.url)): string {
  const from = JSON.stringify(specifier);
  if (!COMMONJS.has(specifier)) return `export * from ${from};\n`;
  const names = Object.keys(require(specifier) as object).filter((n) => IDENT.test(n) && n !== 'default');
  return [
    `import m from ${from};`,
    'export default m;',
    `export const { ${names.join(', ')} } = m;`,
    '',
  ].join('\n');
}

const VIRTUAL = '\0pavilion-runtime:';
const byName = new Map(Object.entries(SHARED_MODULES).map(([spec, name]) => [name as string, spec as SharedSpecifier]));

/**
 * Vite plugin: builds /runtime/<name>.js entries (fixed file names, exports preserved) next to the
 * app, sharing chunks with it, and serves the same modules from the dev server.
 */
export function pavilionRuntime(): Plugin {
  let build = false;
  return {
    name: 'pavilion-runtime',
    configResolved(config) {
      build = config.command === 'build' && !config.build.ssr;
    },
    buildStart() {
      if (!build) return;
      for (const name of byName.keys())
        this.emitFile({ type: 'chunk', id: `${VIRTUAL}${name}`, fileName: `runtime/${name}.js`, preserveSignature: 'strict' });
    },
    resolveId(id) {
      if (id.startsWith(VIRTUAL)) return id;
      const m = /^\/runtime\/([a-z-]+)\.js$/.exec(id);
      if (m && byName.has(m[1]!)) return `${VIRTUAL}${m[1]}`;
      return null;
    },
    load(id) {
      if (!id.startsWith(VIRTUAL)) return null;
      const spec = byName.get(id.slice(VIRTUAL.length));
      return spec ? runtimeModuleSource(spec) : null;
    },
  };
}
