import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStore, type NotificationMessage } from '@mfakit/server-sdk';
import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { createDemo } from '../src/app.ts';
import { fileMailbox } from '../src/mailbox.ts';

const SECRET = 'demo-test-secret-with-32-bytes-or-more';
const ORIGIN = 'http://127.0.0.1';

async function signIn(app: ReturnType<typeof createDemo>['app'], user: string) {
  const res = await app.request(`${ORIGIN}/session`, {
    method: 'POST',
    headers: { origin: ORIGIN },
    body: new URLSearchParams({ user }),
  });
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

const message = (id: string, subject: string): NotificationMessage => ({
  id,
  kind: 'factor_added',
  to: { userId: 'max', email: 'max@acme.example', displayName: 'Max Mustermann' },
  locale: 'en',
  subject,
  text: `Hello Max,\n\n${subject}`,
  html: `<!doctype html>\n<html lang="en">\n<head><title>t</title></head>\n<body><p>${subject}</p><a href="http://x.example/">x</a></body>\n</html>\n`,
});

describe('the Mail page', () => {
  it('is for signed-in users, and says so when nothing was sent, in English and German', async () => {
    const { app, mfa } = createDemo({ store: memoryStore(), secret: SECRET });
    const nobody = await app.request('/mail');
    expect(nobody.status).toBe(303);
    expect(nobody.headers.get('location')).toBe('/');
    const max = await signIn(app, 'max');
    const english = await (await app.request('/mail', { headers: { cookie: max } })).text();
    expect(english).toContain('<h1>Security notifications sent</h1>');
    expect(english).toContain('No mail has been sent yet.');
    expect(english).toContain('every signed-in user sees every message');
    expect(english).toMatch(/<a href="\/mail" aria-current="page">Mail<\/a>/);
    expect(english).not.toContain('<ol class="mailbox"');
    const german = await (await app.request('/mail', { headers: { cookie: `${max}; demo_lang=de` } })).text();
    expect(german).toContain('Gesendete Sicherheits\u00ADbenachrichtigungen');
    expect(german).toContain('Noch wurde keine E-Mail gesendet.');
    expect(german).toMatch(/<a href="\/mail" aria-current="page">E-Mails<\/a>/);
    await mfa.close();
  });

  it("lists what notify was given, newest first, each message's HTML in a sandboxed frame and its text", async () => {
    const { app, mfa, mailbox } = createDemo({
      store: memoryStore(),
      secret: SECRET,
      url: 'https://portal.example',
    });
    const max = await signIn(app, 'max');
    // Max sets up an app: the notification reaches notify beside the request, and the page
    // runs a delivery pass before it lists, so it is there at once.
    const setup = await app.request(`${ORIGIN}/mfa/me/totp/setup`, {
      method: 'POST',
      headers: { cookie: max, origin: ORIGIN },
    });
    const { secret } = (await setup.json()) as { secret: string };
    const confirm = await app.request(`${ORIGIN}/mfa/me/totp/confirm`, {
      method: 'POST',
      headers: { cookie: max, origin: ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ code: await generate({ secret }) }),
    });
    expect(confirm.status).toBe(200);
    const page = await (await app.request('/mail', { headers: { cookie: max } })).text();
    expect(page).toContain('<ol class="mailbox" aria-label="Messages, newest first">');
    expect(page).toContain('An authenticator app was added to your sign-in');
    expect(page).toContain('Max Mustermann &lt;max@acme.example&gt;');
    expect(page).toContain('<code>factor_added</code>');
    // The profile link is the portal's, from its configured address.
    expect(mailbox.list(1)[0]?.message.text).toContain('https://portal.example/profile');

    // HTML from a template only ever inside a sandboxed frame, escaped into srcdoc; links open outside it.
    mailbox.send(message('m-1', 'First <b>one</b>'), new Date('2026-12-07T10:00:00Z'));
    mailbox.send(message('m-2', 'Second'), new Date('2026-12-07T10:05:00Z'));
    mailbox.send(message('m-1', 'First <b>one</b>'), new Date('2026-12-07T10:09:00Z')); // delivered again
    const listed = await (await app.request('/mail', { headers: { cookie: max } })).text();
    expect(listed).not.toContain('<b>one</b>');
    expect(listed).toContain('First &lt;b&gt;one&lt;/b&gt;');
    expect(listed).toContain('sandbox="allow-popups allow-popups-to-escape-sandbox"');
    expect(listed).not.toMatch(/allow-scripts|allow-same-origin/);
    expect(listed).toContain('srcdoc="&lt;!doctype html&gt;');
    expect(listed).toContain('&lt;head&gt;&lt;base target=&quot;_blank&quot;&gt;');
    expect(listed.match(/<iframe/g)).toHaveLength(3);
    const order = ['Second', 'First &lt;b&gt;', 'An authenticator app was added'].map((s) =>
      listed.indexOf(s),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(listed).toContain('<pre lang="en">Hello Max,\n\nSecond</pre>');
    await mfa.close();
  });

  it('keeps the mail in a file next to the data, each message once, across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfakit-mail-'));
    try {
      const file = join(dir, 'mail.jsonl');
      const first = fileMailbox(file);
      first.send(message('m-1', 'One'), new Date('2026-12-07T10:00:00Z'));
      first.send(message('m-1', 'One'), new Date('2026-12-07T10:01:00Z'));
      appendFileSync(file, '{"message":{"id":"cut'); // a line the process did not finish
      const again = fileMailbox(file);
      again.send(message('m-1', 'One'), new Date('2026-12-07T10:02:00Z'));
      again.send(message('m-2', 'Two'), new Date('2026-12-07T10:03:00Z'));
      expect(again.list(10).map((m) => [m.message.subject, m.sentAt.toISOString()])).toEqual([
        ['Two', '2026-12-07T10:03:00.000Z'],
        ['One', '2026-12-07T10:00:00.000Z'],
      ]);
      expect(again.list(1)).toHaveLength(1);
      const lines = readFileSync(file, 'utf8').split('\n');
      expect(lines.filter((line) => line.includes('"id":"m-1"'))).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
