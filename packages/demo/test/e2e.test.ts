/**
 * The portal in a real browser: Debian's Chromium driven by playwright-core
 * through roles and labels, against the demo host on a SQLite file with a clock
 * the test moves. Each step saves a screenshot under test-output/screenshots.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoServer,
  expectNoAxeViolations,
  launchChromium,
  reflowProblems,
  startDemo,
  virtualAuthenticator,
} from './support/browser.ts';

const packageDir = join(import.meta.dirname, '..');
const shots = join(packageDir, 'test-output', 'screenshots');

const clock = { now: new Date() };
const advance = (seconds: number) => {
  clock.now = new Date(clock.now.getTime() + seconds * 1000);
};
/** The code an authenticator app shows now, by the server's clock. */
const codeFor = (secret: string) => generate({ secret, epoch: Math.floor(clock.now.getTime() / 1000) });

let browser: Browser;
let demo: DemoServer | undefined;
let base = '';
/**
 * The same server by the name `localhost`: a WebAuthn relying party is a domain,
 * never an IP address, so the passkey steps run there (rpId `localhost`).
 */
let local = '';

async function signIn(context: BrowserContext, user: string, sso = '', origin = base): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  // By the fields' names: the sign-in bar speaks the portal's language (labels in German too).
  const bar = page.locator('form.switcher');
  if (sso) await bar.locator('select[name=sso]').selectOption(sso);
  await bar.locator('select[name=user]').selectOption(user);
  await Promise.all([page.waitForNavigation(), bar.locator('button[type=submit]').click()]);
  return page;
}

async function shot(page: Page, name: string, fullPage = true) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage });
}

/** A small phone: the narrowest window WCAG's reflow criterion asks for (320 CSS px). */
const PHONE = { width: 320, height: 640 };

/** Waits until every mfakit element on the page has rendered past "Loading…". */
async function settled(page: Page) {
  await page.waitForFunction(() =>
    [...document.querySelectorAll('mfa-settings, mfa-user-enroll, mfa-challenge, mfa-policy-manager')].every(
      (el) =>
        el.shadowRoot &&
        el.shadowRoot.childElementCount > 0 &&
        !el.shadowRoot.querySelector('p.muted[role=status]'),
    ),
  );
}

/** Sets up an authenticator app on the profile page by reading the manual key; returns the key and codes. */
async function enroll(page: Page) {
  await page.getByRole('button', { name: 'Set up' }).click();
  const qr = page.getByRole('img', { name: 'QR code' });
  await expect
    .poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
    .toBe(true);
  const box = await qr.boundingBox();
  expect(box?.width).toBeGreaterThanOrEqual(160);
  const key = ((await page.locator('mfa-user-enroll .key').textContent()) ?? '').trim();
  expect(key).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
  const secret = key.replace(/ /g, '');
  const input = page.getByLabel('Authentication code');
  expect(await input.getAttribute('autocomplete')).toBe('one-time-code');
  await input.fill(await codeFor(secret));
  await page.getByRole('button', { name: 'Confirm' }).click();
  const codes = page.locator('mfa-user-enroll .codes code');
  await expect.poll(() => codes.count()).toBe(10);
  const recoveryCodes = await codes.allTextContents();
  await page.getByLabel('I have saved these recovery codes').check();
  await page.getByRole('button', { name: 'Done' }).click();
  await page
    .locator('mfa-user-enroll')
    .getByText(/on since/)
    .waitFor();
  advance(30); // the confirming code's time step is used
  return { secret, recoveryCodes };
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  // The clock moves by days in seconds: reminders only when the run starts, none from a
  // background pass at a moment the steps did not choose (rollout.e2e.test.ts walks them).
  demo = await startDemo(clock, { reminders: 'manual' });
  base = demo.base;
  local = base.replace('127.0.0.1', 'localhost');
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe('the demo portal, end to end', () => {
  let admin = { secret: '', recoveryCodes: [] as string[] };
  let member = { secret: '', recoveryCodes: [] as string[] };
  /** The authenticator app keys of users who set one up along the way, by user. */
  const secrets: Record<string, string> = {};

  it('the administrator sets up MFA, then requires it of all users', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await signIn(context, 'ada');
    await shot(page, '01-home');
    await page.getByRole('link', { name: 'Profile & security' }).click();
    await page.getByRole('button', { name: 'Set up' }).waitFor();
    await expectNoAxeViolations(page);
    admin = await enroll(page);
    await shot(page, '02-profile-enrolled');

    await page.goto(`${base}/accounts/acme/settings`);
    // A fresh seed's activity tells what the settings say: who set the policy, and when.
    const activity = page.locator('mfa-audit-log');
    await activity
      .getByText(/Ada Lovelace/)
      .first()
      .waitFor();
    expect(await activity.getByText('No activity yet.').count()).toBe(0);
    await page.getByRole('button', { name: 'Manage' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: 'Required for all users' }).check();
    await expect
      .poll(() =>
        dialog.locator('.impact').getByText('2 members have not set up MFA; they have 7 days').count(),
      )
      .toBe(1);
    await shot(page, '03-policy-manager');
    await expectNoAxeViolations(page);
    await dialog.getByRole('button', { name: 'Save' }).click();
    // Confirming the new app proved the app, not the person: the dialog asks for a code first.
    await dialog.getByLabel('Authentication code').fill(await codeFor(admin.secret));
    await dialog.getByRole('button', { name: 'Verify' }).click();
    advance(30);
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('mfa-settings .policy').getByText('Required for all users').waitFor();
    await expect
      .poll(() =>
        page
          .locator('mfa-settings')
          .getByText(/Changed by Ada Lovelace/)
          .count(),
      )
      .toBe(1);
    await shot(page, '04-settings');
    await context.close();
  });

  it('the member gets the grace period, then is sent to set up MFA', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await signIn(context, 'max');
    await page.goto(`${base}/accounts/acme`);
    await page.getByRole('status').filter({ hasText: 'requires multi-factor authentication' }).waitFor();
    expect(await page.getByRole('cell', { name: 'PO-1042' }).count()).toBe(1);
    await shot(page, '05-grace-period');

    advance(8 * 86_400);
    const response = await page.goto(`${base}/accounts/acme`);
    expect(response?.status()).toBe(403);
    await page
      .getByRole('alert')
      .filter({ hasText: 'Set up an authenticator app or add a passkey to continue' })
      .waitFor();
    expect(await page.getByRole('cell', { name: 'PO-1042' }).count()).toBe(0);
    await shot(page, '06-enrollment-required');
    member = await enroll(page);
    await page.getByRole('link', { name: 'Continue to Acme' }).click();
    await page.getByRole('cell', { name: 'PO-1042' }).waitFor();
    await context.close();
  });

  it('a new session passes the challenge; the same code is refused a second time', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await signIn(context, 'max');
    await page.goto(`${base}/accounts/acme`);
    const input = page.getByLabel('Authentication code');
    expect(await input.getAttribute('inputmode')).toBe('numeric');
    await shot(page, '07-challenge');
    await expectNoAxeViolations(page);
    const code = await codeFor(member.secret);
    await input.fill(code);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('cell', { name: 'PO-1042' }).waitFor();

    const other = await signIn(await browser.newContext(), 'max');
    await other.goto(`${base}/accounts/acme`);
    await other.getByLabel('Authentication code').fill(code);
    await other.getByRole('button', { name: 'Verify' }).click();
    await other.getByText('That code is not valid').waitFor();
    expect(await other.getByRole('cell', { name: 'PO-1042' }).count()).toBe(0);
    await context.close();
  });

  it('remembers this device: a new session skips the challenge until the device is forgotten in the profile', async () => {
    advance(30);
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await signIn(context, 'max');
    await page.goto(`${base}/accounts/acme`);
    // Acme lets members skip the second step on a device for 14 days (seeded; kept by the policy saved above).
    await page.getByLabel('Remember this device for 14 days').check();
    await shot(page, '16-challenge-remember');
    await expectNoAxeViolations(page);
    await page.getByLabel('Authentication code').fill(await codeFor(member.secret));
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Verify' }).click()]);
    await page.getByRole('cell', { name: 'PO-1042' }).waitFor();

    // Signing in again (a new session, the old one ended): the remembered device lets it in.
    const signInAgain = () =>
      Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    await signInAgain();
    await page.goto(`${base}/accounts/acme`);
    await page.getByRole('cell', { name: 'PO-1042' }).waitFor();
    expect(await page.locator('mfa-challenge').count()).toBe(0);

    // Forgotten in the profile, the device no longer does: the next session is challenged.
    await page.goto(`${base}/profile`);
    const devices = page.locator('mfa-user-enroll');
    const device = devices.getByRole('listitem').filter({ hasText: 'This device' });
    await device.waitFor();
    await shot(page, '17-profile-remembered-devices');
    await expectNoAxeViolations(page);
    await device.getByRole('button', { name: /^Forget/ }).click();
    await devices.getByText('No remembered devices.').waitFor();
    await signInAgain();
    await page.goto(`${base}/accounts/acme`);
    await page.getByLabel('Authentication code').waitFor();
    expect(await page.getByRole('cell', { name: 'PO-1042' }).count()).toBe(0);
    await context.close();
  });

  it('asks the administrator to confirm it is them before changing the payout details, then saves them', async () => {
    advance(30);
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await signIn(context, 'ada');
    await page.goto(`${base}/accounts/acme`);
    await page.getByLabel('Authentication code').fill(await codeFor(admin.secret));
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Verify' }).click()]);
    await page.getByRole('heading', { name: 'Payout details' }).waitFor();
    advance(301); // the verification is now older than the payout's 5 minutes
    await page.getByLabel('Account holder').fill('Acme GmbH');
    await page.getByLabel('IBAN').fill('DE89 3704 0044 0532 0130 00');
    await page.getByRole('button', { name: 'Save payout details' }).click();
    const challenge = page.locator('.payout-step-up mfa-challenge');
    await challenge.getByRole('heading', { name: "Confirm it's you to change payout details" }).waitFor();
    expect(await challenge.getByRole('checkbox').count()).toBe(0); // remembering does not belong to a step-up
    await shot(page, '18-payout-step-up');
    await expectNoAxeViolations(page);
    // Cancel puts the form back as it was, nothing saved, focus on its button.
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    expect(await challenge.count()).toBe(0);
    await page.getByRole('status').filter({ hasText: 'Nothing was saved.' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Save payout details');
    // An incomplete IBAN is refused at its field before any code is asked for.
    await page.getByLabel('IBAN').fill('DE89 3704');
    await page.getByRole('button', { name: 'Save payout details' }).click();
    const iban = page.getByLabel('IBAN');
    await expect.poll(() => iban.getAttribute('aria-invalid')).toBe('true');
    expect(await iban.evaluate((el) => el === document.activeElement)).toBe(true);
    const hint = await iban.getAttribute('aria-describedby');
    expect(await page.locator(`#${hint}`).textContent()).toContain('Enter a whole IBAN');
    expect(await challenge.count()).toBe(0);
    await page.getByLabel('IBAN').fill('DE89 3704 0044 0532 0130 00');
    await page.getByRole('button', { name: 'Save payout details' }).click();
    await challenge.getByRole('heading', { name: "Confirm it's you to change payout details" }).waitFor();
    expect(await iban.getAttribute('aria-invalid')).toBeNull();
    await challenge.getByLabel('Authentication code').fill(await codeFor(admin.secret));
    await challenge.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('status').filter({ hasText: 'Payout details saved.' }).waitFor();
    expect(await challenge.count()).toBe(0);
    await page.reload();
    expect(await page.getByLabel('IBAN').inputValue()).toBe('DE89370400440532013000');
    await context.close();
  });

  it('tells a member without MFA to set it up before changing the payout details', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await signIn(context, 'cleo'); // a password sign-in to Contoso, which does not require MFA
    await page.goto(`${base}/accounts/contoso`);
    await page.getByLabel('Account holder').fill('Contoso Ltd');
    await page.getByLabel('IBAN').fill('GB29 NWBK 6016 1331 9268 19');
    await page.getByRole('button', { name: 'Save payout details' }).click();
    await page.getByRole('status').filter({ hasText: 'Set up multi-factor authentication first' }).waitFor();
    const link = page.getByRole('link', { name: 'Set it up in Profile & security' });
    expect(await link.getAttribute('href')).toBe('/profile');
    expect(await page.locator('mfa-challenge').count()).toBe(0);
    await expectNoAxeViolations(page);
    await context.close();
  });

  it('a recovery code works once', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, 'max');
    await page.goto(`${base}/accounts/acme`);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(member.recoveryCodes[0] as string);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('cell', { name: 'PO-1042' }).waitFor();

    const again = await signIn(await browser.newContext(), 'max');
    await again.goto(`${base}/accounts/acme`);
    await again.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await again.getByLabel('Recovery code').fill(member.recoveryCodes[0] as string);
    await again.getByRole('button', { name: 'Verify' }).click();
    await again.getByText('That code is not valid').waitFor();
    await context.close();
  });

  it('the administrator resets the member from the members table, and finds it in the activity', async () => {
    advance(30);
    const adminPage = await signIn(
      await browser.newContext({ viewport: { width: 1280, height: 900 } }),
      'ada',
    );
    await adminPage.goto(`${base}/accounts/acme`);
    await adminPage.getByLabel('Authentication code').fill(await codeFor(admin.secret));
    await adminPage.getByRole('button', { name: 'Verify' }).click();
    await adminPage.getByRole('cell', { name: 'PO-1042' }).waitFor();
    await adminPage.goto(`${base}/accounts/acme/settings`);
    const members = adminPage.locator('mfa-members');
    await members.getByRole('rowheader', { name: 'Max Mustermann' }).waitFor();
    await members.getByRole('button', { name: 'Reset MFA: Max Mustermann' }).click();
    const dialog = members.getByRole('dialog', { name: 'Reset MFA for Max Mustermann?' });
    await dialog.waitFor();
    await shot(adminPage, '14-reset-member', false);
    await dialog.getByRole('button', { name: 'Reset MFA', exact: true }).click();
    await members.getByText('MFA was reset for Max Mustermann.').waitFor();
    const activity = adminPage.locator('mfa-audit-log');
    await activity.getByText('Ada Lovelace reset the MFA of Max Mustermann').waitFor();
    await expectNoAxeViolations(adminPage);

    const page = await signIn(await browser.newContext(), 'max');
    const response = await page.goto(`${base}/accounts/acme`);
    expect(response?.status()).toBe(403);
    await page.getByRole('button', { name: 'Set up' }).waitFor();
  });

  it("Globex's administrator finds the overdue among 220 members, pages and searches them", async () => {
    const page = await signIn(await browser.newContext({ viewport: { width: 1280, height: 900 } }), 'grace');
    await page.goto(`${base}/accounts/globex/settings`);
    const members = page.locator('mfa-members');
    await members.getByRole('button', { name: /^All \(222\)$/ }).waitFor();
    const overdue = members.getByRole('button', { name: /^Overdue \(\d+\)$/ });
    const count = Number(/\((\d+)\)/.exec((await overdue.textContent()) ?? '')?.[1]);
    expect(count).toBeGreaterThan(10);
    await expect.poll(() => members.getByRole('row').count()).toBe(51); // the header and 50 members
    await members.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => members.getByRole('row').count()).toBe(101);
    await overdue.click();
    await expect.poll(() => members.getByText(/^Overdue since/).count()).toBe(Math.min(count, 50));
    await members.getByLabel(/Search members/).fill('knuth');
    const names = () => members.getByRole('rowheader').allTextContents();
    await expect.poll(async () => (await names()).every((name) => name.endsWith('Knuth'))).toBe(true);
    expect((await names()).length).toBeGreaterThan(0);
    await shot(page, '15-members', false);
    await expectNoAxeViolations(page);
  });

  it('Contoso shows the SSO caution, and an SSO sign-in is delegated to the directory', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await signIn(context, 'cleo', 'contoso');
    await page.goto(`${base}/accounts/contoso/settings`);
    const caution = page.locator('mfa-settings').getByRole('note');
    await caution.waitFor();
    expect(await caution.textContent()).toContain('Active Directory');
    await page.getByRole('status').filter({ hasText: 'Signed in through Active Directory' }).waitFor();
    await shot(page, '08-sso-settings');
    await expectNoAxeViolations(page);

    const sam = await signIn(await browser.newContext(), 'sam', 'contoso');
    const res = await sam.evaluate(async () => (await fetch('/mfa/accounts/contoso/access')).json());
    expect(res).toMatchObject({ allow: true, reason: 'sso_delegated' });
    await context.close();
  });

  it('the top bar switches the portal and its elements to German and back, dates included, and keeps the choice', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await signIn(context, 'ada');
    await page.goto(`${base}/profile`);
    const enroll = page.locator('mfa-user-enroll');
    await enroll.getByText(/Authenticator app: on since [A-Z][a-z]{2} \d{1,2}, \d{4}\./).waitFor();
    const language = page.getByRole('group', { name: /^(Language|Sprache)$/ });
    await language.getByRole('button', { name: 'DE' }).click();
    await enroll.getByText(/Authenticator-App: aktiv seit \d{2}\.\d{2}\.\d{4}\./).waitFor();
    expect(await enroll.getAttribute('lang')).toBe('de');
    // The portal's own words follow: its heading, navigation and sign-in bar.
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await page.getByRole('heading', { name: 'Profil & Sicherheit' }).waitFor();
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();
    expect(await language.getByRole('button', { name: 'DE' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: 'Neue Wiederherstellungscodes erzeugen' }).waitFor();
    await shot(page, '09-profile-german');
    await expectNoAxeViolations(page);

    await page.reload();
    await enroll.getByText(/aktiv seit/).waitFor();
    await language.getByRole('button', { name: 'EN' }).click();
    await enroll.getByText(/Authenticator app: on since/).waitFor();
    await page.getByRole('button', { name: 'Regenerate recovery codes' }).waitFor();
    await page.getByRole('heading', { name: 'Profile & security' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    // Signing out leads back to nobody.
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign out' }).click()]);
    await page.getByRole('heading', { name: 'Welcome to the Partner Portal' }).waitFor();
    expect(await page.getByLabel('User').inputValue()).toBe('');
    await context.close();
  });

  it('every page and every state of its elements fits a 320 px window, as every seeded user, in English and German', async () => {
    const problems: string[] = [];
    const checked: string[] = [];
    const check = async (page: Page, what: string) => {
      await settled(page);
      await page.evaluate(() =>
        Promise.all([...document.querySelectorAll('img')].map((img) => img.decode().catch(() => undefined))),
      );
      for (const found of await page.evaluate(reflowProblems)) problems.push(`${what}: ${found}`);
      checked.push(what);
    };
    const visitors = [
      { user: '', sso: '' },
      { user: 'ada', sso: '' },
      { user: 'max', sso: '' },
      { user: 'sam', sso: '' },
      { user: 'sam', sso: 'contoso' },
      { user: 'cleo', sso: '' },
      { user: 'cleo', sso: 'contoso' },
    ];
    const paths = [
      '/',
      '/accounts/acme',
      '/accounts/acme/settings',
      '/accounts/contoso',
      '/accounts/contoso/settings',
      '/profile',
      '/mail',
    ];
    secrets.ada = admin.secret;

    for (const lang of ['en', 'de']) {
      for (const { user, sso } of visitors) {
        const context = await browser.newContext({ viewport: PHONE });
        await context.addInitScript((l) => localStorage.setItem('mfakit-demo-lang', l), lang);
        // The portal's own words follow the cookie the language buttons set.
        await context.addCookies([{ name: 'demo_lang', value: lang, url: base }]);
        const page = user ? await signIn(context, user, sso) : await context.newPage();
        const who = `${user || 'nobody'}${sso ? ' via SSO' : ''} (${lang})`;
        for (const path of user ? paths : ['/']) {
          await page.goto(`${base}${path}`);
          const at = `${who} ${path} → ${new URL(page.url()).pathname}`;
          await check(page, at);
          const challenge = page.locator('mfa-challenge');
          if (await challenge.count()) {
            if (lang === 'en' && user === 'ada' && path === '/accounts/acme') {
              await challenge.evaluate((el) => el.scrollIntoView({ block: 'center' }));
              await shot(page, 'phone-01-challenge', false);
            }
            await challenge.locator('button.link').click();
            await check(page, `${at}, recovery code`);
            await challenge.locator('button.link').click();
            const secret = secrets[user];
            if (secret) {
              advance(30);
              await challenge.locator('input#code').fill(await codeFor(secret));
              await Promise.all([page.waitForNavigation(), challenge.locator('button.primary').click()]);
              await check(page, `${at}, verified`);
            }
          }
          const manage = page.locator('mfa-settings button.manage');
          if (await manage.count()) {
            await manage.click();
            const dialog = page.getByRole('dialog');
            // An administrator without MFA is told so first, instead of the form.
            await dialog.locator('input[value=optional], .needs-mfa').first().waitFor();
            if (await dialog.locator('.needs-mfa').count()) {
              await check(page, `${at}, dialog asking to set up MFA first`);
            } else {
              for (const mode of ['required_admins', 'required_all', 'optional']) {
                await dialog.locator(`input[value=${mode}]`).check();
                await check(page, `${at}, dialog with ${mode}`);
              }
            }
            if (lang === 'en' && user === 'ada') await shot(page, 'phone-04-policy-manager', false);
            await page.keyboard.press('Escape');
            await dialog.waitFor({ state: 'hidden' });
          }
          const enroll = page.locator('mfa-user-enroll');
          // Set up (the app), whichever method the profile recommends first.
          const setUp = enroll.locator('#set-up');
          if ((await enroll.count()) && (await setUp.count())) {
            await setUp.click();
            await enroll.getByRole('img').waitFor();
            await check(page, `${at}, setup with the QR code`);
            if (path === '/profile' && user === 'sam' && !sso && lang === 'en') {
              // A member sets up the app on the phone that will hold it.
              await enroll.locator('.panel').evaluate((el) => el.scrollIntoView());
              await shot(page, 'phone-02-setup', false);
              const secret = ((await enroll.locator('.key').textContent()) ?? '').replace(/\s/g, '');
              await enroll.locator('input#code').fill(await codeFor(secret));
              await enroll.locator('.panel button.primary[type=submit]').click();
              await expect.poll(() => enroll.locator('.codes li').count()).toBe(10);
              await enroll.getByText(/on since/).waitFor();
              await check(page, `${at}, the recovery codes`);
              await enroll.locator('.codes').scrollIntoViewIfNeeded();
              await shot(page, 'phone-03-recovery-codes', false);
              await enroll.locator('.check input').check();
              await enroll.locator('.panel button.primary').click();
              await enroll.locator('.codes').waitFor({ state: 'detached' });
              await check(page, `${at}, set up`);
              secrets.sam = secret;
              advance(30);
            } else {
              await enroll.locator('.panel button.primary[type=submit] + button').click();
            }
          }
        }
        await context.close();
      }
    }
    expect(problems).toEqual([]);
    // The walk reached every kind of page and state it is meant to check.
    for (const state of [
      'nobody (en) / → /',
      'ada (en) /accounts/acme → /accounts/acme, recovery code',
      'ada (en) /accounts/acme → /accounts/acme, verified',
      'ada (de) /accounts/acme/settings → /accounts/acme/settings, dialog with required_all',
      'max (en) /accounts/acme → /accounts/acme, setup with the QR code',
      'max (de) /accounts/contoso → /accounts/contoso',
      'sam (en) /profile → /profile, the recovery codes',
      'cleo via SSO (de) /accounts/contoso/settings → /accounts/contoso/settings, dialog asking to set up MFA first',
    ])
      expect(checked).toContain(state);
  }, 300_000);

  it('a passkey: added in the profile, used after signing out, and asked of an app-only member once the account accepts only phishing-resistant methods', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await signIn(context, 'ada', '', local);
    const authenticator = await virtualAuthenticator(page);
    await page.goto(`${local}/profile`);
    const enroll = page.locator('mfa-user-enroll');
    await enroll.getByText('No passkeys or security keys yet.').waitFor();
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByLabel('Passkey name').fill('Work laptop');
    await page.getByRole('button', { name: 'Continue' }).click();
    // A new session of a user with MFA: adding a factor asks for a fresh verification first.
    advance(30);
    await enroll.getByLabel('Authentication code').fill(await codeFor(admin.secret));
    await enroll.getByRole('button', { name: 'Verify' }).click();
    await enroll.locator('#passkeys-message', { hasText: 'Passkey added.' }).waitFor();
    await enroll.locator('.passkey-name', { hasText: 'Work laptop' }).waitFor();
    const made = await authenticator.credentials();
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ rpId: 'localhost', isResidentCredential: true });
    await enroll.locator('.passkeys').scrollIntoViewIfNeeded();
    await shot(page, '10-profile-passkeys');
    await expectNoAxeViolations(page);
    // The passkey's row, its rename form and the removal's confirmation fit a phone.
    await page.setViewportSize(PHONE);
    for (const [open, state] of [
      ['', 'listed'],
      ['Rename Work laptop', 'renaming'],
      ['Remove Work laptop', 'confirming the removal'],
    ]) {
      if (open) await page.getByRole('button', { name: open }).click();
      expect(await page.evaluate(reflowProblems), `a passkey ${state}`).toEqual([]);
      if (open) await enroll.getByRole('button', { name: 'Cancel' }).click();
    }
    await page.setViewportSize({ width: 1280, height: 860 });

    // Sign out (the switcher signs in anew: the old session is no longer verified), then verify with the passkey.
    await page.getByLabel('User').selectOption('ada');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    await page.goto(`${local}/accounts/acme`);
    const challenge = page.locator('mfa-challenge');
    await expect.poll(() => challenge.locator('button.primary').textContent()).toContain('Use a passkey');
    await shot(page, '11-challenge-passkey');
    await expectNoAxeViolations(page);
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Use a passkey' }).click(),
    ]);
    await page.getByRole('cell', { name: 'PO-1042' }).waitFor();
    expect((await authenticator.credentials())[0]?.signCount).toBeGreaterThan(0);

    // Verified with her passkey, Ada makes new recovery codes (who holds a passkey steps up with it).
    await page.goto(`${local}/profile`);
    await page.getByRole('button', { name: 'Regenerate recovery codes' }).click();
    await expect.poll(() => enroll.locator('.codes code').count()).toBe(10);
    await page.getByLabel('I have saved these recovery codes').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await enroll.locator('.codes').waitFor({ state: 'detached' });

    // Acme now accepts only passkeys and security keys, with 3 days to add one.
    await page.goto(`${local}/accounts/acme/settings`);
    await page.getByRole('button', { name: 'Manage' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: 'Phishing-resistant only' }).check();
    await dialog.getByLabel('Grace period (days)').fill('3');
    await expect
      .poll(() =>
        dialog
          .locator('.impact')
          .getByText('2 members have no passkey or security key; they have 3 days')
          .count(),
      )
      .toBe(1);
    await shot(page, '12-policy-phishing-resistant');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('mfa-settings').getByText('1 of 3 members have a passkey or security key.').waitFor();
    await context.close();

    // Sam has only an authenticator app. Tightening the policy never weakens sign-in: during
    // the grace period Acme still asks him for his app's code, then tells him to add a passkey.
    const samContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const sam = await signIn(samContext, 'sam', '', local);
    const samAuthenticator = await virtualAuthenticator(sam);
    await sam.goto(`${local}/accounts/acme`);
    const samChallenge = sam.locator('mfa-challenge');
    await samChallenge.getByLabel('Authentication code').waitFor();
    expect(await sam.getByRole('cell', { name: 'PO-1042' }).count()).toBe(0);
    advance(30);
    await samChallenge.getByLabel('Authentication code').fill(await codeFor(secrets.sam ?? ''));
    await Promise.all([
      sam.waitForNavigation(),
      samChallenge.getByRole('button', { name: 'Verify' }).click(),
    ]);
    await sam
      .getByRole('status')
      .filter({ hasText: 'Acme requires multi-factor authentication, with a passkey or security key' })
      .waitFor();
    await sam.getByRole('cell', { name: 'PO-1042' }).waitFor();
    // Past the grace period, no app code opens Acme: a passkey does.
    advance(3 * 86_400 + 60);
    const response = await sam.goto(`${local}/accounts/acme`);
    expect(response?.status()).toBe(403);
    await sam.getByRole('alert').filter({ hasText: 'It accepts only passkeys and security keys' }).waitFor();
    expect(await sam.getByRole('cell', { name: 'PO-1042' }).count()).toBe(0);
    await sam.getByRole('button', { name: 'Add a passkey' }).waitFor();
    await shot(sam, '13-passkey-required');
    await expectNoAxeViolations(sam);
    await sam.setViewportSize(PHONE);
    expect(await sam.evaluate(reflowProblems)).toEqual([]);
    await sam.setViewportSize({ width: 1280, height: 860 });
    await sam.getByRole('button', { name: 'Add a passkey' }).click();
    await sam.getByLabel('Passkey name').fill('Phone');
    await sam.getByRole('button', { name: 'Continue' }).click();
    const samEnroll = sam.locator('mfa-user-enroll');
    advance(30);
    await samEnroll.getByLabel('Authentication code').fill(await codeFor(secrets.sam ?? ''));
    await samEnroll.getByRole('button', { name: 'Verify' }).click();
    await samEnroll.locator('#passkeys-message', { hasText: 'Passkey added.' }).waitFor();
    expect(await samAuthenticator.credentials()).toHaveLength(1);
    await sam.getByRole('link', { name: 'Continue to Acme' }).click();
    await sam.getByRole('cell', { name: 'PO-1042' }).waitFor();
    await samContext.close();
  });

  it('the Mail page shows each security notification: the passkey added, the recovery codes regenerated, the member reset', async () => {
    // Any signed-in user sees the demo's mailbox (an evaluation tool): here Max, whose MFA Ada reset.
    const page = await signIn(await browser.newContext({ viewport: { width: 1280, height: 860 } }), 'max');
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('link', { name: 'Mail', exact: true }).click(),
    ]);
    await page.getByRole('heading', { level: 1, name: 'Security notifications sent' }).waitFor();
    const mailbox = page.getByRole('list', { name: 'Messages, newest first' });
    const mail = (subject: string, to: string) =>
      mailbox
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading', { level: 2, name: subject, exact: true }) })
        .filter({ hasText: `<${to}>` });
    const passkey = mail('A passkey was added to your sign-in', 'ada@acme.example');
    const codes = mail('New recovery codes were created', 'ada@acme.example');
    const reset = mail('Your multi-factor authentication was reset', 'max@acme.example');
    const memberReset = mail(
      "Max Mustermann's multi-factor authentication was reset in Acme",
      'ada@acme.example',
    );
    for (const [kind, found] of [
      ['factor_added', passkey],
      ['recovery_codes_regenerated', codes],
      ['mfa_reset', reset],
      ['member_reset', memberReset],
    ] as const) {
      expect(await found.count(), kind).toBe(1);
      expect(await found.locator('code').textContent()).toBe(kind);
    }
    // Newest first: the codes were made after the passkey was added, which was after the reset.
    const top = async (item: typeof passkey) => (await item.boundingBox())?.y ?? Number.NaN;
    expect(await top(codes)).toBeLessThan(await top(passkey));
    expect(await top(passkey)).toBeLessThan(await top(memberReset));
    expect(await top(memberReset)).toBeLessThan(await top(reset));

    // Each message's HTML in a sandboxed frame (no script, an origin of its own), naming the passkey
    // and linking the portal's profile; its text under a summary.
    const frame = passkey.locator('iframe');
    expect(await frame.getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    await frame
      .contentFrame()
      .getByText(/Work laptop/)
      .waitFor();
    expect(await frame.contentFrame().getByRole('link').getAttribute('href')).toBe(`${base}/profile`);
    await passkey.getByText('Plain text').click();
    const text = (await passkey.locator('pre').textContent()) ?? '';
    expect(text).toContain('Work laptop');
    expect(text).toContain(`${base}/profile`);
    await reset
      .locator('iframe')
      .contentFrame()
      .getByText(/Ada Lovelace/)
      .waitFor();
    await memberReset.scrollIntoViewIfNeeded();
    await shot(page, '19-mail', false);
    await expectNoAxeViolations(page, { frames: false });
  });
});
