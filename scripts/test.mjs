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

let ok = true;
ok = run('type-check', pnpm[0], [pnpm[1], '-r', '--workspace-concurrency=1', 'typecheck']) && ok;
ok = run('lint', join(root, 'node_modules/.bin/biome'), ['check', '.']) && ok;

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const name of readdirSync(join(root, 'packages')).sort()) {
  const dir = join(root, 'packages', name);
  const pkgFile = join(dir, 'package.json');
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  if (!pkg.scripts?.test) continue;
  const out = join(results, `${name}.json`);
  const passed = run(
    `tests of ${pkg.name}`,
    pnpm[0],
    [pnpm[1], 'exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
    dir,
  );
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
