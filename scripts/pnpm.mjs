// Runs pnpm 10 on a machine that has only Node.js and npm: the one on PATH when
// it is a 10.x, else the pinned version through npx (cached after the first run).
import { execFileSync, spawnSync } from 'node:child_process';

const PINNED = 'pnpm@10.34.9';

function localPnpm() {
  try {
    const version = execFileSync('pnpm', ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return version.startsWith('10.') ? ['pnpm'] : null;
  } catch {
    return null;
  }
}

const command = localPnpm() ?? ['npx', '--yes', PINNED];
const [bin, ...pre] = command;
const result = spawnSync(bin, [...pre, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr' },
});
process.exit(result.status ?? 1);
