import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The web UI: built into `dist/web`, which the tracker serves at `/` (src/http/web.routes.ts). */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // A Raspberry Pi serves this: keep the bundle lean and report its size.
    reportCompressedSize: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npm run dev:web` next to `npm run dev`: the API stays on the tracker's port.
    proxy: { '/api': 'http://localhost:8100', '/hooks': 'http://localhost:8100' },
  },
});
