import { defineConfig } from "vitest/config";

// Unit tests: pure data shaping and DOM components (jsdom). No network, no service.
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts"],
    environment: "node", // component tests opt in to jsdom per file
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
