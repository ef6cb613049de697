// The suite behind the engine's Playwright report test (crates/engine/tests/engine/validate/
// test_report.rs): the system's Chromium (no browser download), one retry so a flaky test shows
// up as flaky, and the JSON reporter printing to stdout, where a `command` step with
// `stdout_file` saves it. Traces and screenshots go under $REPORT_DIR (the test's temp folder).
import { defineConfig } from '@playwright/test';

const out = process.env.REPORT_DIR ?? 'playwright-report';

export default defineConfig({
  testDir: 'tests',
  retries: 1,
  workers: 1,
  outputDir: `${out}/test-results`,
  reporter: 'json',
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      // As root in a container Chromium refuses to start with its sandbox.
      args: ['--no-sandbox'],
    },
  },
  projects: [{ name: 'chromium' }],
});
