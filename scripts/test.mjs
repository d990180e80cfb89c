// Runs every check of the repository in order — type-check, lint, each
// package's tests — and closes with one line "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

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

/** PostgreSQL's server binaries: Debian's newest /usr/lib/postgresql/<version>/bin, else initdb on PATH. */
function findPostgresBin() {
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
        .reverse()
    : [];
  const dirs = [...versions.map((v) => join(debian, v, 'bin')), ...(process.env.PATH ?? '').split(delimiter)];
  return dirs.find((dir) => dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

/** A port nobody listens on now (the server takes it a moment later; a clash fails its start, then we retry). */
function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

/**
 * The PostgreSQL suites of the server SDK run against DATABASE_URL. Without one, and
 * with the server binaries on this machine, a throwaway server is started here
 * (127.0.0.1 on a free port, its unix socket in its own temporary folder, fsync off)
 * and removed when this script exits, whether the tests pass or not. initdb and
 * pg_ctl refuse root: as root they run as the `postgres` user.
 * Answers { ok, skipped }: skipped when there is neither a URL nor binaries.
 */
async function startPostgres() {
  if (process.env.DATABASE_URL) {
    console.log('\n── PostgreSQL for the store tests: the DATABASE_URL given');
    return { ok: true, skipped: false };
  }
  const bin = findPostgresBin();
  if (!bin) return { ok: true, skipped: true };
  console.log(`\n── PostgreSQL for the store tests: a throwaway server from ${bin}`);

  const asRoot = process.getuid?.() === 0;
  const idOf = (flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout);
  if (asRoot && spawnSync('id', ['-u', 'postgres'], { stdio: 'ignore' }).status !== 0) {
    spawnSync('useradd', ['--system', '--no-create-home', 'postgres'], { stdio: 'inherit' });
  }
  const folder = mkdtempSync(join(tmpdir(), 'mfakit-pg-'));
  if (asRoot) chownSync(folder, idOf('-u'), idOf('-g'));
  const data = join(folder, 'data');
  const log = join(folder, 'log');
  const pg = (tool, ...args) => {
    const [command, ...rest] = asRoot
      ? ['runuser', '-u', 'postgres', '--', join(bin, tool), ...args]
      : [join(bin, tool), ...args];
    return spawnSync(command, rest, {
      cwd: folder,
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 60_000,
    });
  };
  process.on('exit', () => {
    if (existsSync(join(data, 'postmaster.pid'))) pg('pg_ctl', '-D', data, '-m', 'immediate', '-w', 'stop');
    rmSync(folder, { recursive: true, force: true });
  });
  // Ctrl-C or a kill still runs the 'exit' handler above.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(1));
  const failed = (what, result) => {
    console.error(`could not ${what} PostgreSQL: ${result.stderr || result.error || ''}`);
    if (existsSync(log)) console.error(readFileSync(log, 'utf8').split('\n').slice(-20).join('\n'));
    return { ok: false, skipped: false };
  };

  const superuser = ['-U', 'postgres', '-A', 'trust'];
  const init = pg('initdb', '-D', data, ...superuser, '-E', 'UTF8', '--locale=C', '--no-sync');
  if (init.status !== 0) return failed('initialise', init);
  let start;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    start = pg('pg_ctl', '-D', data, '-l', log, '-w', '-t', '30', '-o', options, 'start');
    if (start.status === 0) {
      process.env.DATABASE_URL = `postgres://postgres@127.0.0.1:${port}/postgres`;
      console.log(`listening on 127.0.0.1:${port}, in ${folder}`);
      return { ok: true, skipped: false };
    }
  }
  return failed('start', start);
}

let ok = ensureChromium();
ok = run('type-check', pnpm[0], [pnpm[1], '-r', '--workspace-concurrency=1', 'typecheck']) && ok;
ok = run('size of the elements bundle', pnpm[0], [pnpm[1], '--filter', '@mfakit/elements', 'size']) && ok;
ok = run('lint', join(root, 'node_modules/.bin/biome'), ['check', '.']) && ok;
const postgres = await startPostgres();
ok = postgres.ok && ok;

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const name of readdirSync(join(root, 'packages')).sort()) {
  const dir = join(root, 'packages', name);
  const pkgFile = join(dir, 'package.json');
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  // `test`, and `test:node` beside a browser `test` (vitest in Node, e.g. the elements' manifest).
  for (const script of ['test', 'test:node']) {
    if (!pkg.scripts?.[script]) continue;
    const out = join(results, `${name}${script === 'test' ? '' : '.node'}.json`);
    // Vitest writes its JSON report; the browser tests' config writes the same counts to WTR_RESULTS.
    const browser = pkg.scripts[script].startsWith('web-test-runner');
    const args = browser
      ? [pnpm[1], 'exec', 'web-test-runner']
      : [
          pnpm[1],
          'exec',
          'vitest',
          'run',
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${out}`,
        ];
    process.env.WTR_RESULTS = out;
    const passed = run(`tests of ${pkg.name}${script === 'test' ? '' : ` (${script})`}`, pnpm[0], args, dir);
    ok = passed && ok;
    if (existsSync(out)) {
      const report = JSON.parse(readFileSync(out, 'utf8'));
      totals.passed += report.numPassedTests;
      totals.failed += report.numFailedTests;
      totals.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    } else {
      console.error(`no test report from ${pkg.name} (${script})`);
      ok = false;
    }
  }
}

if (totals.skipped > 0) {
  console.error(`${totals.skipped} tests were skipped: every test must run.`);
  ok = false;
}
if (totals.passed === 0) ok = false;
if (postgres.skipped) {
  const line =
    'PostgreSQL suites skipped: no DATABASE_URL and no PostgreSQL server binaries (initdb, pg_ctl).';
  const ci = process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
  if (ci) {
    console.error(`${line} CI must run them.`);
    ok = false;
  } else {
    console.log(line);
  }
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
