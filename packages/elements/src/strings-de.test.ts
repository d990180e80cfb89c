import { expect, fixture, html } from '@open-wc/testing';
import {
  $,
  api,
  button,
  enrollByApi,
  login,
  reset,
  setPolicyByApi,
  text,
  totp,
  type,
  until,
} from '../test/helpers.ts';
import type { MfaChallenge, MfaSettings } from './index.ts';
import './index.ts';
import { en } from './strings.ts';
import { de } from './strings-de.ts';

/** "02.03.2026, 10:00": day, month, year and time as German pages write them. */
const GERMAN_DATE_TIME = /\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}/;
const GERMAN_DATE = /\d{2}\.\d{2}\.\d{4}/;

/** Acme requires MFA of everyone (Ada changed it, and has MFA); Max's grace period has begun. */
async function requiringAcme() {
  await login('ada');
  const { secret } = await enrollByApi();
  expect((await setPolicyByApi('acme', { mode: 'required_all' })).status).to.equal(200);
  await login('max');
  await api('GET', '/accounts/acme/access');
  // A new session of Ada's, verified: the account's routes now follow its policy.
  await login('ada');
  expect((await api('POST', '/challenge', { code: await totp(secret, 1) })).status).to.equal(200);
  return secret;
}

describe('German strings (de)', () => {
  beforeEach(async () => {
    await reset();
  });

  it('has every key of the English strings, of the same kind, and translates them', () => {
    const english = en as unknown as Record<string, unknown>;
    const german = de as unknown as Record<string, unknown>;
    expect(Object.keys(german).sort()).to.deep.equal(Object.keys(english).sort());
    const same: string[] = [];
    for (const [key, value] of Object.entries(english)) {
      expect(typeof german[key], key).to.equal(typeof value);
      if (typeof value === 'string' && german[key] === value) same.push(key);
      if (typeof value === 'object' && value) {
        for (const [inner, innerValue] of Object.entries(value)) {
          const translated = (german[key] as Record<string, unknown>)[inner];
          // A sentence with parts to fill in (the activity log's) is a function in both languages.
          if (typeof innerValue === 'function') {
            expect(typeof translated, `${key}.${inner}`).to.equal('function');
            continue;
          }
          expect(translated, `${key}.${inner}`).to.be.a('string').and.not.equal('');
          // Words that German spells as English does.
          const alike = ['Optional', 'Name', 'Status', 'Administrator', 'Passkey'];
          if (translated === innerValue && !alike.includes(innerValue as string))
            same.push(`${key}.${inner}`);
        }
      }
    }
    expect(same, 'left in English').to.deep.equal([]);
  });

  it('writes counts with Intl and picks singular or plural', () => {
    expect(de.compliance(1, 1)).to.equal('1 von 1 Mitglied hat MFA eingerichtet.');
    expect(de.compliance(2, 3)).to.equal('2 von 3 Mitgliedern haben MFA eingerichtet.');
    expect(de.impact(1, 1)).to.equal('1 Mitglied hat MFA noch nicht eingerichtet; ihm bleibt 1 Tag.');
    expect(de.impact(4, 0)).to.equal('4 Mitglieder haben MFA noch nicht eingerichtet; ihnen bleiben 0 Tage.');
    expect(de.recoveryCodesLeft(1)).to.equal('1 Wiederherstellungscode übrig.');
    expect(de.recoveryCodesLeft(10)).to.equal('10 Wiederherstellungscodes übrig.');
    expect(de.waitSeconds(1800)).to.equal('Zu viele Versuche. Versuchen Sie es in 1.800 Sekunden erneut.');
    expect(de.attemptsLeft(1)).to.contain('Noch 1 Versuch,');
  });

  it('renders <mfa-settings lang="de"> with German labels and German dates, in its dialog too', async () => {
    await requiringAcme();
    const el = await fixture<MfaSettings>(
      html`<mfa-settings lang="de" account-id="acme" .strings=${de}></mfa-settings>`,
    );
    await until(() => el.shadowRoot?.querySelector('section'));
    const shown = text(el);
    expect(shown).to.contain('Multi-Faktor-Authentifizierung');
    expect(shown).to.contain('Aktuelle Richtlinie');
    expect(shown).to.contain('Pflicht für alle Benutzer');
    expect(shown).to.contain('1 von 3 Mitgliedern haben MFA eingerichtet.');
    expect(shown).to.match(new RegExp(`Geändert von Ada Admin am ${GERMAN_DATE_TIME.source}\\.`));
    await expect(el).to.be.accessible();

    // The manager lives in the settings' shadow root, without a lang of its own: it follows its host's.
    button(el, 'Verwalten').click();
    const manager = await until(() => el.shadowRoot?.querySelector('mfa-policy-manager'));
    await until(() => manager.shadowRoot?.querySelector('form'));
    const managing = text(manager);
    expect(managing).to.contain('2 Mitglieder haben MFA noch nicht eingerichtet; ihnen bleiben 7 Tage.');
    expect(managing).to.match(new RegExp(`Max Member: bis ${GERMAN_DATE.source}`));
    expect(managing).to.contain('Sam Shared: 7 Tage ab der nächsten Anmeldung');
    expect(button(manager, 'Speichern')).to.exist;
    expect(button(manager, 'Abbrechen')).to.exist;
    expect(($(manager, 'label[for=gracePeriodDays]').textContent ?? '').trim()).to.equal(
      'Übergangsfrist (Tage)',
    );
  });

  it("formats dates by the element's lang: the same policy reads differently in en-US", async () => {
    await requiringAcme();
    const english = await fixture<MfaSettings>(
      html`<mfa-settings lang="en-US" account-id="acme"></mfa-settings>`,
    );
    await until(() => english.shadowRoot?.querySelector('section'));
    expect(text(english)).to.match(/Changed by Ada Admin on [A-Z][a-z]{2} \d{1,2}, \d{4}/);
    expect(text(english)).not.to.match(GERMAN_DATE);
    const german = await fixture<MfaSettings>(
      html`<div lang="de"><mfa-settings account-id="acme"></mfa-settings></div>`,
    );
    const inner = german.querySelector('mfa-settings') as MfaSettings;
    await until(() => inner.shadowRoot?.querySelector('section'));
    expect(text(inner)).to.match(new RegExp(`Changed by Ada Admin on ${GERMAN_DATE_TIME.source}`));
  });

  it('answers a wrong code in German', async () => {
    const secret = await requiringAcme();
    const el = await fixture<MfaChallenge>(html`<mfa-challenge lang="de" .strings=${de}></mfa-challenge>`);
    await until(() => el.shadowRoot?.querySelector('input'));
    expect(text(el)).to.contain('Bestätigen Sie, dass Sie es sind');
    expect(($(el, 'label').textContent ?? '').trim()).to.equal('Authentifizierungscode');
    const valid = await Promise.all([-1, 0, 1].map((step) => totp(secret, step)));
    type($(el, 'input'), ['000000', '111111', '222222', '333333'].find((c) => !valid.includes(c)) ?? '');
    button(el, 'Überprüfen').click();
    await until(() =>
      text(el).includes('Dieser Code ist ungültig. Noch 4 Versuche, dann müssen Sie warten.'),
    );
    await expect(el).to.be.accessible();
  });
});
