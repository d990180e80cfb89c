/**
 * Rolling MFA out, in a real browser: Globex Distribution will require MFA of all users from
 * the start of the day three days after the demo's first start. Its members without MFA are
 * told so in their profile, the account's settings and its pages, find the announcement in
 * the Mail page, and see `<mfa-nudge>` on the home page until they choose **Not now**; its
 * administrator reminds them, once a day. Walked in English and German, at desktop and phone
 * width, on one server (the clock is the real one: the elements compare start dates with the
 * browser's).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfDayAhead } from '../src/directory.ts';
import {
  type DemoServer,
  expectNoAxeViolations,
  launchChromium,
  reflowProblems,
  startDemo,
} from './support/browser.ts';

const shots = join(import.meta.dirname, '..', 'test-output', 'screenshots');
const clock = { now: new Date() };
const enforceFrom = startOfDayAhead(clock.now, 3);
const deadline = new Date(enforceFrom.getTime() + 7 * 86_400_000); // Globex Distribution's 7 days' grace

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

type Lang = 'en' | 'de';

/** The words the walk looks for, in each language (the elements' and the portal's). */
const words = {
  en: {
    nudge: 'Account security',
    nudgeText: (date: string) => `Your account will require MFA from ${date}`,
    setUp: 'Set up MFA',
    notNow: 'Not now',
    banner: 'Globex Distribution will require multi-factor authentication from',
    mail: 'Mail',
    mailList: 'Messages, newest first',
    remind: 'Remind members without MFA',
    reminded: 'Reminded 6 members',
    next: /^Next reminder possible/,
  },
  de: {
    nudge: 'Kontosicherheit',
    nudgeText: (date: string) => `Ihr Konto verlangt ab ${date} MFA`,
    setUp: 'MFA einrichten',
    notNow: 'Nicht jetzt',
    banner: 'Globex Distribution verlangt Multi-Faktor-Authentifizierung ab dem',
    mail: 'E-Mails',
    mailList: 'Nachrichten, neueste zuerst',
    remind: 'Mitglieder ohne MFA erinnern',
    reminded: '6 Mitglieder erinnert',
    next: /^Nächste Erinnerung möglich/,
  },
} as const;

/** A date as the elements write it (`dateStyle: 'medium'`), and as the portal's banners do (`long`). */
const medium = (lang: Lang, date: Date) =>
  new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(date);
const long = (lang: Lang, date: Date) => new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(date);

let server: DemoServer | undefined;
let base = '';
let browser: Browser;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startDemo(clock);
  base = server.base;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A browser context in `lang`: the cookie the top bar's buttons set, and the choice they keep. */
async function contextIn(lang: Lang, viewport: { width: number; height: number }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  await context.addInitScript((l) => localStorage.setItem('mfakit-demo-lang', l), lang);
  await context.addCookies([{ name: 'demo_lang', value: lang, url: base }]);
  return context;
}

/**
 * Signs `user` in as the user switcher does (its form, posted from the portal): Globex's staff
 * are members of the directory but not in the switcher's list.
 */
async function signIn(context: BrowserContext, user: string): Promise<Page> {
  const response = await context.request.post(`${base}/session`, {
    form: { user, sso: '' },
    headers: { origin: base },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(303);
  return context.newPage();
}

async function fits(page: Page, what: string) {
  if ((page.viewportSize()?.width ?? 0) > 500) return;
  expect(await page.evaluate(reflowProblems), what).toEqual([]);
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
}

/** The Mail page's message of `kind` to `email`. */
function mail(page: Page, lang: Lang, kind: string, email: string): Locator {
  return page
    .getByRole('list', { name: words[lang].mailList })
    .getByRole('listitem')
    .filter({ hasText: `<${email}>` })
    .filter({ has: page.locator('code', { hasText: new RegExp(`^${kind}$`) }) });
}

/** Each walk as a different member of Globex Distribution: **Not now** is remembered per user. */
const walks = [
  { lang: 'en', viewport: DESKTOP, user: 'emmy', email: 'emmy@globex-distribution.example' },
  { lang: 'en', viewport: PHONE, user: 'globex-001', email: 'alan.bell@globex.example' },
  { lang: 'de', viewport: DESKTOP, user: 'globex-002', email: 'alan.cerf@globex.example' },
  { lang: 'de', viewport: PHONE, user: 'globex-003', email: 'alan.dijkstra@globex.example' },
] as const;

describe('rolling MFA out: Globex Distribution requires it from a start date', () => {
  for (const { lang, viewport, user, email } of walks) {
    const at = `${lang}, ${viewport.width} px`;
    it(`(${at}) a member without MFA is told the date in the profile, the settings and the account's pages, finds the announcement in the Mail page, and dismisses the nudge`, async () => {
      const t = words[lang];
      const from = medium(lang, enforceFrom);
      const by = medium(lang, deadline);
      const context = await contextIn(lang, viewport);
      const page = await signIn(context, user);
      /** Screenshots of the English walk, named as the docs show them (docs/elements.md). */
      const shotAs = async (desktop: string, phone?: string) => {
        const name = lang !== 'en' ? undefined : viewport === DESKTOP ? desktop : phone;
        if (name) await shot(page, name);
      };

      // The home page: the nudge names the start date and links the profile.
      await page.goto(`${base}/`);
      const nudge = page.getByRole('region', { name: t.nudge });
      await nudge.getByText(t.nudgeText(from)).waitFor();
      expect(await nudge.getByRole('link', { name: t.setUp }).getAttribute('href')).toBe('/profile');
      await fits(page, `${at}: the home page with the nudge`);
      await expectNoAxeViolations(page);
      await shotAs('20-nudge', 'phone-05-nudge');

      // The account's page: open as before, with the date in the portal's banner.
      await page.goto(`${base}/accounts/globex-distribution`);
      const banner = page.getByRole('status').filter({ hasText: t.banner });
      await banner.getByText(long(lang, enforceFrom)).waitFor();
      await page.getByRole('cell', { name: 'PO-1042' }).waitFor();
      await fits(page, `${at}: the account's page before its start date`);

      // The settings: the policy with its start date, and what it asks of this member.
      await page.goto(`${base}/accounts/globex-distribution/settings`);
      const settings = page.locator('mfa-settings');
      await settings.getByText(new RegExp(`${literal(from)}.*${literal(by)}`)).waitFor();
      await fits(page, `${at}: the settings before the start date`);
      await expectNoAxeViolations(page);
      await shotAs('21-settings-start-date');

      // The profile: the account that will require MFA, from when and by when.
      await page.goto(`${base}/profile`);
      const enroll = page.locator('mfa-user-enroll');
      await enroll
        .getByText(new RegExp(`Globex Distribution.*${literal(from)}.*${literal(by)}`))
        .first()
        .waitFor();
      await fits(page, `${at}: the profile before the start date`);
      await expectNoAxeViolations(page);
      await shotAs('22-profile-start-date');

      // The Mail page: the announcement the demo sent at start-up, to this member.
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('link', { name: t.mail, exact: true }).click(),
      ]);
      const announcement = mail(page, lang, 'mfa_required_soon', email);
      await announcement.waitFor();
      expect(await announcement.count()).toBe(1);
      await announcement
        .locator('iframe')
        .contentFrame()
        .getByText(/Globex Distribution will require multi-factor authentication/)
        .waitFor();
      await announcement.scrollIntoViewIfNeeded();
      await fits(page, `${at}: the Mail page`);
      await shotAs('23-mail-announcement');

      // Not now: the nudge goes, and stays gone on the next visit.
      await page.goto(`${base}/`);
      await nudge.getByRole('button', { name: t.notNow }).click();
      await nudge.waitFor({ state: 'detached' });
      await page.reload();
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await nudge.count()).toBe(0);
      await context.close();
    });
  }

  it('the administrator reminds the members without MFA; the button then waits a day, in English and German, at desktop and phone width', async () => {
    for (const lang of ['en', 'de'] as const) {
      const t = words[lang];
      const context = await contextIn(lang, DESKTOP);
      const page = await signIn(context, 'katherine');
      for (const viewport of [DESKTOP, PHONE]) {
        await page.setViewportSize(viewport);
        await page.goto(`${base}/accounts/globex-distribution/settings`);
        const members = page.locator('mfa-members');
        const remind = members.getByRole('button', { name: t.remind });
        await remind.waitFor();
        if (lang === 'en' && viewport === DESKTOP) {
          // The first round: every member without MFA, Katherine included.
          expect(await remind.isEnabled()).toBe(true);
          await remind.click();
          await members.getByText(t.reminded).waitFor();
          await members.getByRole('button', { name: t.remind }).scrollIntoViewIfNeeded();
          await shot(page, '24-remind-members');
        }
        // At most one round a day: the button waits, saying when the next is possible.
        await expect.poll(() => remind.isDisabled()).toBe(true);
        await members.getByText(t.next).waitFor();
        await fits(page, `${lang}, ${viewport.width} px: the members with the reminder sent`);
        if (viewport === DESKTOP) await expectNoAxeViolations(page);
      }
      if (lang === 'en') {
        // The reminders reach the Mail page, one to each member without MFA.
        await page.setViewportSize(DESKTOP);
        await page.goto(`${base}/mail`);
        for (const email of ['emmy@globex-distribution.example', 'katherine@globex-distribution.example'])
          await mail(page, lang, 'mfa_reminder', email).waitFor();
        expect(
          await page
            .getByRole('list', { name: t.mailList })
            .locator('code', { hasText: /^mfa_reminder$/ })
            .count(),
        ).toBe(6);
      }
      await context.close();
    }
  });
});

/** `text` as a regular expression that matches it literally. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
