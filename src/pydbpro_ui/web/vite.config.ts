import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vitest/config'
import { constants } from 'node:zlib'
import vue from '@vitejs/plugin-vue'
import { compression, defineAlgorithm } from 'vite-plugin-compression2'
import type { Plugin } from 'vite'

/**
 * primeicons declares its font in five formats; every browser we support reads WOFF2, so only
 * that one is referenced and shipped (the others would add ~590 KB to the wheel, unused).
 */
function primeiconsWoff2Only(): Plugin {
  return {
    name: 'pydbpro:primeicons-woff2-only',
    enforce: 'pre',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('primeicons/primeicons.css')) return null
      return code
        .replace(/\s*src:\s*url\('\.\/fonts\/primeicons\.eot'\);/, '')
        .replace(/src:[^;]*;/, "src: url('./fonts/primeicons.woff2') format('woff2');")
    },
  }
}

/**
 * Libraries that change only when they are upgraded get chunks of their own, which browsers
 * keep across releases of the app: `framework` (Vue, its router and store, PrimeVue's core
 * and theme, and its one-line event buses, which Rollup would otherwise put into 70-byte chunks
 * too small to be precompressed), which every page starts with, and `codemirror`, which only
 * the SQL console loads. Everything else is left to Rollup, which splits it by route: the login page loads
 * no editor, no data table and not the signed-in shell.
 */
const VENDOR_CHUNKS: [string, RegExp][] = [
  ['framework', /node_modules\/(@vue\/(runtime-core|runtime-dom|reactivity|shared)|vue|vue-router|pinia|@primevue\/core|@primeuix\/(themes|styled|utils)|primevue\/[a-z]+eventbus)\//],
  ['codemirror', /node_modules\/(@codemirror\/[^/]+|@lezer\/[^/]+|codemirror|style-mod|w3c-keyname|crelt)\//],
]

function vendorChunk(id: string): string | undefined {
  const path = id.replace(/\\/g, '/')
  return VENDOR_CHUNKS.find(([, pattern]) => pattern.test(path))?.[0]
}

// Build straight into ../dist, which the Python app serves: index.html for the UI routes and
// /assets/<hashed file> with a year-long cache. The CSP is `script-src 'self'`, so nothing
// may be inlined as a script and nothing may need eval (Vue templates are precompiled here).
const API_TARGET = process.env.PYDBPRO_API ?? 'http://127.0.0.1:8000'

export default defineConfig({
  plugins: [
    vue(),
    primeiconsWoff2Only(),
    // A .br and a .gz copy beside each text file (JS, CSS, SVG, index.html), at the highest
    // levels: compressed once here, never per request. The server sends the copy a browser
    // accepts (web.py); a copy no smaller than its file is not written.
    compression({
      algorithms: [
        defineAlgorithm('brotliCompress', { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        defineAlgorithm('gzip', { level: 9 }),
      ],
      logLevel: 'silent',
    }),
  ],
  base: '/',
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 900,
    modulePreload: { polyfill: false },
    rollupOptions: { output: { manualChunks: vendorChunk } },
  },
  server: {
    // `npm run dev`: the API comes from a running `pydbpro demo`. Its CSRF check wants POSTs
    // from its own origin, so the proxy presents them as such.
    proxy: {
      '/api': {
        target: API_TARGET,
        configure: (proxy) => proxy.on('proxyReq', (request) => request.setHeader('Origin', API_TARGET)),
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.spec.ts'],
  },
})
