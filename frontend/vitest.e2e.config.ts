import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Files run one at a time, in name order: the change-recording test mutates the demo org, so it runs last. */
class ByName extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}

// End-to-end: real headless Chromium against the real service that e2e/run.mjs starts.
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    sequence: { sequencer: ByName },
    reporters: ["default", ["./test/summary-reporter.ts", { label: "e2e" }]],
  },
});
