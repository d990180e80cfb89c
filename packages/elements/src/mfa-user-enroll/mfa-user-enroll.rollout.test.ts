// A requiring policy announced ahead: the profile says from when an account will
// require MFA and by when to set it up, in the lead and in "Required by".
import { expect, fixture, html } from '@open-wc/testing';
import {
  $,
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
import './mfa-user-enroll.ts';
import type { MfaUserEnroll } from './mfa-user-enroll.ts';

const DAY_MS = 86_400_000;

describe('<mfa-user-enroll> before an account enforces its policy', () => {
  beforeEach(async () => {
    await reset();
  });

  for (const [lang, t] of [
    ['en', en],
    ['de', de],
  ] as const) {
    it(`says from when Acme requires MFA and by when (${lang})`, async () => {
      await login('ada');
      await enrollByApi();
      const from = daysAhead(12);
      const deadline = new Date(from.getTime() + 5 * DAY_MS);
      const saved = await setPolicyByApi('acme', {
        mode: 'required_all',
        gracePeriodDays: 5,
        enforceFrom: from.toISOString(),
      });
      expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
      await login('max');
      const el = await fixture<MfaUserEnroll>(
        html`<mfa-user-enroll lang=${lang} .strings=${t}></mfa-user-enroll>`,
      );
      await until(() => el.shadowRoot?.querySelector('.required li'));
      const [start, end] = [medium(from, lang), medium(deadline, lang)];
      expect($(el, '.required li').textContent?.replace(/\s+/g, ' ').trim()).to.equal(
        t.requiredByPending('Acme', start, end),
      );
      expect($(el, '.lead').textContent).to.contain(t.requiredLead('Acme', end, start));
      if (lang === 'en') {
        expect(text(el)).to.contain(`Acme: from ${start} — set up by ${end}`);
        expect(text(el)).to.contain(
          `Acme will require two-factor authentication from ${start}: set it up by ${end}.`,
        );
      }
      await expect(el).to.be.accessible();
    });
  }
});
