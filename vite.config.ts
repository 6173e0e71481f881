import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { pavilionRuntime } from './scripts/lib/runtime-modules.js';
import { devPages } from './scripts/lib/dev-pages.js';
import { pavilionServiceWorker } from './scripts/lib/service-worker.js';
import { noStoreEmulator } from './scripts/lib/xr-build.js';

const root = path.resolve(import.meta.dirname, 'client');

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  plugins: [react(), pavilionRuntime(), devPages(), pavilionServiceWorker(), noStoreEmulator()],
  resolve: {
    alias: { 'pavilion/sdk': path.resolve(import.meta.dirname, 'sdk/index.ts') },
    dedupe: ['react', 'react-dom', 'three', '@react-three/fiber'],
  },
  build: {
    outDir: path.resolve(import.meta.dirname, process.env.PAVILION_BUILD_DIR ?? 'dist/client'),
    // Hashed files go to static/: /assets/ is the server's shared media (assets/, server/http/assets.ts).
    assetsDir: 'static',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // Fonts and patterns in the CSS are the server's /assets/ (assets/manifest.json), not bundled.
      external: [/^\/assets\//],
      input: {
        index: path.join(root, 'index.html'),
        display: path.join(root, 'display.html'),
        control: path.join(root, 'control.html'),
        visit: path.join(root, 'visit.html'),
        preview: path.join(root, 'preview.html'),
        stage: path.join(root, 'stage.html'),
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/pieces': 'http://localhost:8080',
      '/assets': 'http://localhost:8080',
      '/socket.io': { target: 'ws://localhost:8080', ws: true },
    },
  },
});
