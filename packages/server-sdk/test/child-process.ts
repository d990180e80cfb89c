/**
 * Child Node processes for the multi-process tests: each answers every message
 * with one reply (or `{ type: 'failed', error }`), and its first reply says it
 * has started.
 */
import { type ChildProcess, fork } from 'node:child_process';

/** Sends `message` (if any) and waits for the child's next reply. */
export function exchange<R extends { type: string }>(child: ChildProcess, message?: unknown): Promise<R> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: R | { type: 'failed'; error: string }) => {
      stop();
      if (reply.type === 'failed')
        reject(new Error(`child process failed: ${(reply as { error: string }).error}`));
      else resolve(reply as R);
    };
    const onExit = (code: number | null) => {
      stop();
      reject(new Error(`child process exited (${code})`));
    };
    const stop = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    if (message !== undefined) child.send(message as object);
  });
}

/** Forks `script` and waits until it says it has started. */
export async function startChild(script: string): Promise<ChildProcess> {
  const child = fork(script, [], {
    serialization: 'advanced',
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await exchange(child);
  return child;
}

/** Asks the child to close, and kills it if it has not exited within 5 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send({ type: 'close' });
  const timer = setTimeout(() => child.kill(), 5_000);
  await exited;
  clearTimeout(timer);
}
