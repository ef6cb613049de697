// Vite builds the web UI into ui/dist, which the Tauri shell embeds at compile time.
// `--mode mock` adds a dev-only fake backend (src/mock) so the UI can be looked at in a plain
// browser; in every other mode that code is never imported, so it stays out of the bundle.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  // Relative asset URLs: the shell serves ui/dist from its own custom protocol.
  base: './',
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true },
  // Tauri's webviews: WebKitGTK / WKWebView (Safari 16+) and WebView2 (Chromium).
  build: {
    target: ['es2022', 'safari16', 'chrome110'],
    outDir: mode === 'mock' ? 'dist-mock' : 'dist',
    emptyOutDir: true,
    sourcemap: false,
  },
  // Components are mounted with Svelte's browser build under happy-dom in tests.
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'happy-dom',
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
  },
}));
