import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
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

// Build straight into ../dist, which the Python app serves: index.html for the UI routes and
// /assets/<hashed file> with a year-long cache. The CSP is `script-src 'self'`, so nothing
// may be inlined as a script and nothing may need eval (Vue templates are precompiled here).
const API_TARGET = process.env.PYDBPRO_API ?? 'http://127.0.0.1:8000'

export default defineConfig({
  plugins: [vue(), primeiconsWoff2Only()],
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
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/@codemirror') || id.includes('node_modules/@lezer') || id.includes('node_modules/codemirror')) return 'codemirror'
          if (id.includes('node_modules/primevue') || id.includes('node_modules/@primevue') || id.includes('node_modules/@primeuix')) return 'primevue'
          if (id.includes('node_modules/')) return 'vendor'
          return undefined
        },
      },
    },
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
