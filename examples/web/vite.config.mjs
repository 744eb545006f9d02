import { defineConfig } from 'vite';

// React's automatic JSX runtime through Vite's own esbuild: no plugin needed for a build.
export default defineConfig({
  root: import.meta.dirname,
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true },
});
