import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The dashboard builds to static files the server serves at `/` (apps/server/src/dashboard). */
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    // `npm run dev -w @iqra/dashboard` next to a running server: the API stays same-origin.
    proxy: {
      '/api': 'http://localhost:3000',
      '/auth': 'http://localhost:3000',
      '/docs': 'http://localhost:3000',
    },
  },
});
