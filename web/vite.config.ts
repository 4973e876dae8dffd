import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  // Absolute asset URLs: the API serves web/dist at "/" with an SPA fallback, so deep links such as
  // /portal/registrations/R2025... load index.html and must still find /assets/*.
  base: '/',
  plugins: [vue()],
  resolve: {
    alias: {
      // The form editor as form-js publishes it whole (its own preact inside): the ES build resolves
      // form-js-editor's pinned preact and form-js-viewer's newer one to two copies, whose hooks break.
      '@bpmn-io/form-js/editor': fileURLToPath(new URL('../node_modules/@bpmn-io/form-js/dist/form-editor.umd.js', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline <script> may reach index.html (CSP `script-src 'self'`); Vite emits only external
    // module scripts, and assets stay files instead of data: URLs.
    assetsInlineLimit: 0,
    // element-plus is installed whole (app.use(ElementPlus)) and is ~1 MB minified / ~320 kB gzip in
    // its own cached chunk; every other chunk stays far below this.
    chunkSizeWarningLimit: 1100,
    rolldownOptions: {
      output: {
        // Vendors change rarely: keep them in their own long-cached chunks, apart from our code.
        codeSplitting: {
          groups: [
            { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@ctrl|@vueuse|async-validator|dayjs|lodash-unified|lodash-es|memoize-one|normalize-wheel-es)[\\/]/, priority: 20 },
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia)[\\/]/, priority: 10 },
            { name: 'zod', test: /node_modules[\\/]zod[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
    },
  },
});
