import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// Run from the repository root: `vite build --config console/vite.config.mts` (paths below are relative to it).
// The output is served by the service itself under /console (src/api/operations/console/), under its strict
// CSP: external scripts and styles only, nothing inlined, nothing from another origin.
export default defineConfig({
  root: 'console',
  base: '/console/',
  plugins: [preact()],
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    // The preload polyfill would be an inline script; every browser the console supports has modulepreload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
  },
});
