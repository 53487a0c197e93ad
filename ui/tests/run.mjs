// Runs the test files of this directory (*.test.mjs, or the files named on
// the command line) with node:test, one file at a time, each in its own
// process: the browser tests start a server and Chromium, which must not
// overlap another file's. One report for all the files, closing with the
// runner's summary (`# pass N`, `# fail N`, ...): TAP, or the spec reporter
// on a terminal. Exits 1 when a test fails.
//
// MARA_UI_TEST_TIMEOUT is the limit in milliseconds for each file, whose
// process is stopped when it runs longer (default 600000).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { run } from 'node:test';
import { spec, tap } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const files = (args.length > 0
  ? args.map((f) => path.resolve(f))
  : readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join(here, f)));
const timeout = Number(process.env.MARA_UI_TEST_TIMEOUT || 600_000);
if (!Number.isFinite(timeout) || timeout <= 0) {
  console.error(`run: MARA_UI_TEST_TIMEOUT must be a positive number of milliseconds, not ${process.env.MARA_UI_TEST_TIMEOUT}`);
  process.exit(2);
}

const stream = run({ files, concurrency: 1, timeout });
stream.on('test:fail', (data) => {
  // A test the runner marks as expected to fail (its `todo` option) does not fail the run.
  if (!data.todo) process.exitCode = 1;
});
stream.compose(process.stdout.isTTY ? new spec() : tap).pipe(process.stdout);
