import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into apps/web/dist, which the API serves at `/` (apps/api/src/web/web-app.ts).
// No inline scripts or styles in the output: the API's Content-Security-Policy allows script-src 'self' only.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No data: URIs for small assets: every file comes from the origin.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
});
