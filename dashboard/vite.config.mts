// Builds the dashboard into dashboard/dist, served by the gateway at /dashboard/
// (src/http/dashboardAssets.ts). Everything is bundled: no CDN at run time.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/dashboard/',
  // React 17+'s automatic runtime: no `import React` in every component.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // uPlot, Cytoscape and Apollo Client are the bulk; one chunk each keeps caching useful.
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/cytoscape')) return 'cytoscape';
          if (id.includes('node_modules/uplot')) return 'uplot';
          if (id.includes('node_modules/@apollo') || id.includes('node_modules/graphql'))
            return 'apollo';
          if (id.includes('node_modules/react')) return 'react';
          return undefined;
        },
      },
    },
  },
  server: {
    // `npx vite dashboard` during development: the API comes from a local gateway.
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:4000', ws: true },
      '/readyz': 'http://127.0.0.1:4000',
    },
  },
});
