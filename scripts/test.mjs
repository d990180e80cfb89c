// Runs every check of the repository in order — type-check, lint, each
// package's tests — and closes with one line "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const pnpm = ['node', join(root, 'scripts/pnpm.mjs')];
const results = join(root, '.test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

function run(title, command, args, cwd = root) {
  console.log(`\n── ${title}`);
  const { status } = spawnSync(command, args, { cwd, stdio: 'inherit' });
  return status === 0;
}

/** The element tests need Debian's Chromium; as root it is installed here, once. */
function ensureChromium() {
  const path = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return true;
  if (process.getuid?.() !== 0) {
    console.error(
      `No Chromium at ${path}: install Debian's chromium (apt-get install chromium) or set CHROME_PATH.`,
    );
    return false;
  }
  console.log("\n── installing Debian's chromium for the element tests");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  });
  return update.status === 0 && install.status === 0 && existsSync(path);
}

let ok = ensureChromium();
ok = run('type-check', pnpm[0], [pnpm[1], '-r', '--workspace-concurrency=1', 'typecheck']) && ok;
ok = run('size of the elements bundle', pnpm[0], [pnpm[1], '--filter', '@mfakit/elements', 'size']) && ok;
ok = run('lint', join(root, 'node_modules/.bin/biome'), ['check', '.']) && ok;

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const name of readdirSync(join(root, 'packages')).sort()) {
  const dir = join(root, 'packages', name);
  const pkgFile = join(dir, 'package.json');
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  if (!pkg.scripts?.test) continue;
  const out = join(results, `${name}.json`);
  // Vitest writes its JSON report; the browser tests' config writes the same counts to WTR_RESULTS.
  const browser = pkg.scripts.test.startsWith('web-test-runner');
  const args = browser
    ? [pnpm[1], 'exec', 'web-test-runner']
    : [pnpm[1], 'exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`];
  process.env.WTR_RESULTS = out;
  const passed = run(`tests of ${pkg.name}`, pnpm[0], args, dir);
  ok = passed && ok;
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  } else {
    console.error(`no test report from ${pkg.name}`);
    ok = false;
  }
}

if (totals.skipped > 0) {
  console.error(`${totals.skipped} tests were skipped: every test must run.`);
  ok = false;
}
if (totals.passed === 0) ok = false;
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
