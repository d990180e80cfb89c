// A requiring policy announced ahead: the settings say from when it applies, and to a
// member without MFA from when it applies to them and by when they must have set it up.
import { expect, fixture, html } from '@open-wc/testing';
import {
  $,
  api,
  daysAhead,
  enrollByApi,
  login,
  medium,
  reset,
  setPolicyByApi,
  text,
  until,
} from '../../test/helpers.ts';
import { en } from '../strings.ts';
import { de } from '../strings-de.ts';
import './mfa-settings.ts';
import type { MfaSettings } from './mfa-settings.ts';

const DAY_MS = 86_400_000;

/** Acme requires MFA of everyone from `days` days ahead, with a grace period of 7 days; Ada has MFA. */
async function announced(days = 10) {
  await login('ada');
  await enrollByApi();
  const from = daysAhead(days);
  const saved = await setPolicyByApi('acme', {
    mode: 'required_all',
    gracePeriodDays: 7,
    enforceFrom: from.toISOString(),
  });
  expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
  return { from, deadline: new Date(from.getTime() + 7 * DAY_MS) };
}

const settings = (lang = 'en', t = en) =>
  fixture<MfaSettings>(
    html`<mfa-settings lang=${lang} account-id="acme" profile-url="/profile" .strings=${t}></mfa-settings>`,
  );

describe('<mfa-settings> before a policy is enforced', () => {
  beforeEach(async () => {
    await reset();
  });

  for (const [lang, t] of [
    ['en', en],
    ['de', de],
  ] as const) {
    it(`tells a member without MFA from when it applies to them, and by when (${lang})`, async () => {
      const { from, deadline } = await announced();
      await login('max');
      const access = await api('GET', '/accounts/acme/access');
      expect(access.body).to.include({ allow: true, reason: 'not_required' });
      const el = await settings(lang, t);
      const pending = await until(() => el.shadowRoot?.querySelector('[part=pending]'));
      expect(text(el)).to.contain(t.enforceFromSummary(t.modeLabels.required_all, medium(from, lang), true));
      expect(pending.textContent).to.contain(t.enforceFromYou(medium(from, lang), medium(deadline, lang)));
      expect(($(el, '[part=pending] a') as HTMLAnchorElement).getAttribute('href')).to.equal('/profile');
      await expect(el).to.be.accessible();
    });
  }

  it('says the words in English', async () => {
    const { from, deadline } = await announced();
    await login('max');
    const el = await settings();
    await until(() => el.shadowRoot?.querySelector('[part=pending]'));
    expect(text(el)).to.contain(`Required for all users from ${medium(from)}.`);
    expect(text(el)).to.contain(
      `From ${medium(from)} this account requires MFA of you too: set it up by ${medium(deadline)}.`,
    );
  });

  it('shows an administrator who has MFA the start date only', async () => {
    const { from } = await announced();
    const el = await settings();
    await until(() => text(el).includes(`Required for all users from ${medium(from)}.`));
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[part=pending]')).to.equal(null);
  });
});
