import { defineConfig } from "vite";

// The dashboard is served by the Python service at "/", and speaks only to /graphql.
// `npm run dev` proxies /graphql to a running service (ATTESTGRAPH_URL, default :8000).
export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: {
      "/graphql": process.env.ATTESTGRAPH_URL ?? "http://127.0.0.1:8000",
    },
  },
});
