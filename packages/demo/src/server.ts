import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { sqliteStore } from '@mfakit/server-sdk/sqlite';
import { createDemo } from './app.ts';
import { seedDemo } from './directory.ts';
import { fileMailbox } from './mailbox.ts';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(process.env.MFA_DEMO_DATA ?? join(here, '..', 'data'));
const port = Number(process.env.PORT ?? 5173);
/** Where the portal is reached (behind a proxy, another address): notifications link its profile page there. */
const url = process.env.MFA_DEMO_URL ?? `http://127.0.0.1:${port}`;

mkdirSync(dataDir, { recursive: true });

/** The demo keeps its key in the data folder, made on first start; a real host sets MFA_SECRET. */
function demoSecret(): string {
  if (process.env.MFA_SECRET) return process.env.MFA_SECRET;
  const file = join(dataDir, 'secret.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

const store = sqliteStore({ filename: join(dataDir, 'mfa.db') });
// Seeded before the delivery loop begins, which starts after the newest event: the seed's
// history (who set each policy, weeks ago) is not mailed as if it had just happened.
await seedDemo(store, new Date());
const mailbox = fileMailbox(join(dataDir, 'mail.jsonl'));
const { app, mfa, ready } = createDemo({ store, secret: demoSecret(), url, mailbox });
// The reminders due at once (Globex Distribution's announcement), not at the SDK's first pass in ten minutes.
await ready();

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, (info) => {
  console.log(`mfakit demo on http://127.0.0.1:${info.port} (data in ${dataDir})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close();
    void mfa.close().then(() => process.exit(0));
  });
}
