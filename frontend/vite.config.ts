import { defineConfig } from "vite";

// The dashboard is served by the Python service at "/", and speaks only to /graphql.
// graphiql.html is GraphiQL with its code bundled here: the service answers it at GET /graphql.
// `npm run dev` proxies /graphql to a running service (ATTESTGRAPH_URL, default :8000).
export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1100, // GraphiQL (graphiql.html) is one ~1 MB chunk; the dashboard's own stay far below
    rollupOptions: {
      input: { dashboard: "index.html", graphiql: "graphiql.html" },
      // GraphiQL's React components mark themselves "use client" (for server renderers): nothing to say here.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  server: {
    proxy: {
      "/graphql": process.env.ATTESTGRAPH_URL ?? "http://127.0.0.1:8000",
    },
  },
});
