/**
 * Events are never lost: the audit trail, written in the transaction of each change, is the
 * outbox. A process that dies between the commit of an event and the record of its delivery
 * leaves it to the next one; instances sharing a store deliver a burst between them, each
 * event at least once.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exchange as exchangeWith, startChild as startScript, stopChild } from '../child-process.ts';
import { type TestSchemas, testSchemas, urlWithSchema } from '../postgres.helpers.ts';
import { tempFolder } from '../support.ts';

const CHILD = fileURLToPath(new URL('../fixtures/delivery-process.mjs', import.meta.url));
type Reply = { type: 'opened' } | { type: 'appended'; ids: string[] } | { type: 'delivered'; ids: string[] };
const exchange = <R extends Reply>(child: ChildProcess, message: unknown) => exchangeWith<R>(child, message);
const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

describe('a process that dies between the commit and the delivery', () => {
  const children: ChildProcess[] = [];
  const folder = tempFolder();
  afterEach(async () => {
    await Promise.all(children.splice(0).map(stopChild));
  });
  afterAll(() => folder.cleanup());

  it('leaves the event to the next process, which delivers it after the restart', async () => {
    const file = folder.file();
    const first = await startScript(CHILD);
    children.push(first);
    await exchange(first, { type: 'open', sqlite: file, crash: true });
    const { ids } = await exchange<{ type: 'appended'; ids: string[] }>(first, {
      type: 'append',
      n: 3,
      tag: 'before',
    });
    // Its delivery starts, and the process is killed inside `onEvent`: nothing was recorded.
    first.send({ type: 'deliver' });
    await exited(first);
    expect(first.signalCode).toBe('SIGKILL');

    const second = await startScript(CHILD);
    children.push(second);
    // Its lease on the subscriber runs out (30 s) before another instance takes over.
    await exchange(second, { type: 'open', sqlite: file, clockOffsetMs: 31_000 });
    const delivered = await exchange<{ type: 'delivered'; ids: string[] }>(second, { type: 'deliver' });
    expect(delivered.ids).toEqual(ids);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('two instances on PostgreSQL', () => {
  let schemas: TestSchemas;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    schemas = testSchemas();
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map(stopChild));
  });
  afterAll(async () => {
    await schemas.close();
  });

  it('deliver a burst written by both between them, every event at least once, in order', async () => {
    const url = urlWithSchema(await schemas.create('delivery'));
    for (let i = 0; i < 2; i++) children.push(await startScript(CHILD));
    const [a, b] = children as [ChildProcess, ChildProcess];
    await exchange(a, { type: 'open', postgres: url });
    await exchange(b, { type: 'open', postgres: url });
    // Both write at once (a child answers one message at a time: each sends its four in turn).
    const written = (
      await Promise.all(
        [a, b].map(async (child, c) => {
          const ids: string[] = [];
          for (let k = 0; k < 4; k++) {
            const reply = await exchange<{ type: 'appended'; ids: string[] }>(child, {
              type: 'append',
              n: 50,
              tag: `${c}-${k}`,
            });
            ids.push(...reply.ids);
          }
          return ids;
        }),
      )
    ).flat();
    expect(new Set(written).size).toBe(400);
    const [fromA, fromB] = await Promise.all(
      [a, b].map((child) => exchange<{ type: 'delivered'; ids: string[] }>(child, { type: 'deliver' })),
    );
    const all = [...(fromA?.ids ?? []), ...(fromB?.ids ?? [])];
    expect(new Set(all)).toEqual(new Set(written));
    // Each instance gave its share in the order the events were appended.
    for (const ids of [fromA?.ids ?? [], fromB?.ids ?? []]) {
      expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((x, y) => x - y));
    }
  });
});
