// A start date for a requiring policy: "Start enforcing on", from tomorrow to a year
// ahead, sent as that day's local midnight; the preview says who is affected, from when and by when.
import { expect, fixture, html } from '@open-wc/testing';
import {
  $,
  api,
  button,
  daysAhead,
  enrollByApi,
  login,
  medium,
  reset,
  text,
  type,
  until,
} from '../../test/helpers.ts';
import { focusIn, sleep } from '../../test/live-log.ts';
import { de } from '../strings-de.ts';
import { localDay } from './start-date.ts';
import './mfa-policy-manager.ts';
import type { MfaPolicyManager } from './mfa-policy-manager.ts';

const DAY_MS = 86_400_000;

/** Waits until the server's answer satisfies `check`. */
async function eventually(check: () => Promise<boolean>) {
  for (let i = 0; i < 80; i++) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${check}`);
}

async function manager(lang = 'en') {
  const el = await fixture<MfaPolicyManager>(
    html`<mfa-policy-manager lang=${lang} account-id="acme" .strings=${lang === 'de' ? de : {}}></mfa-policy-manager>`,
  );
  await until(() => el.shadowRoot?.querySelector('form'));
  return el;
}

const dateField = (el: MfaPolicyManager) =>
  el.shadowRoot?.querySelector<HTMLInputElement>('#enforceFrom') ?? null;

async function choose(el: MfaPolicyManager, mode: string) {
  ($(el, `input[value=${mode}]`) as HTMLInputElement).click();
  await el.updateComplete;
}

describe('<mfa-policy-manager>: the start date', () => {
  beforeEach(async () => {
    await reset();
    await login('ada');
    await enrollByApi();
  });

  it('offers "Start enforcing on" for a requiring policy only, tomorrow to a year ahead, axe-clean', async () => {
    const el = await manager();
    expect(dateField(el)).to.equal(null);
    await choose(el, 'required_all');
    const field = dateField(el) as HTMLInputElement;
    expect(field.type).to.equal('date');
    expect($(el, 'label[for=enforceFrom]').textContent).to.equal('Start enforcing on');
    expect(field.value).to.equal('');
    expect(field.min).to.equal(localDay(daysAhead(1)));
    expect(field.max).to.equal(localDay(daysAhead(365)));
    await expect(el).to.be.accessible();
    await choose(el, 'optional');
    expect(dateField(el)).to.equal(null);
  });

  it('previews who is affected from when, and saves the day as its local midnight', async () => {
    const el = await manager();
    await choose(el, 'required_all');
    const from = daysAhead(10);
    type(dateField(el) as HTMLInputElement, localDay(from));
    await el.updateComplete;
    const deadline = new Date(from.getTime() + 7 * DAY_MS);
    expect(text(el)).to.contain(
      `From ${medium(from)}, 2 members without MFA will have to set it up (by ${medium(deadline)}).`,
    );
    expect(text(el)).to.contain(`Max Member: until ${medium(deadline)}`);
    await expect(el).to.be.accessible();
    button(el, 'Save').click();
    await until(() => text(el).includes('Policy saved.'));
    const stored = await api('GET', '/accounts/acme/policy');
    expect(stored.body.enforceFrom).to.equal(from.toISOString());
    // Saved again unchanged, the stored instant goes back as it is.
    type($(el, '#gracePeriodDays'), '8');
    button(el, 'Save').click();
    await eventually(async () => (await api('GET', '/accounts/acme/policy')).body.gracePeriodDays === 8);
    expect((await api('GET', '/accounts/acme/policy')).body.enforceFrom).to.equal(from.toISOString());
  });

  it('refuses a day out of range in place, and saves nothing', async () => {
    const el = await manager();
    await choose(el, 'required_all');
    const field = dateField(el) as HTMLInputElement;
    type(field, localDay(new Date()));
    await el.updateComplete;
    expect(field.getAttribute('aria-invalid')).to.equal('true');
    const error = $(el, '#enforceFrom-error');
    expect(error.textContent).to.equal(
      `Choose a day from tomorrow to ${medium(daysAhead(365))}, or leave it empty`,
    );
    expect(field.getAttribute('aria-describedby')).to.equal('enforceFrom-error enforceFrom-hint');
    await expect(el).to.be.accessible();
    button(el, 'Save').click();
    await sleep(200);
    expect(focusIn(el)).to.equal('input#enforceFrom');
    expect((await api('GET', '/accounts/acme/policy')).body.mode).to.equal('optional');
    // A day a year and a day ahead is refused too; none at all is fine.
    type(field, localDay(daysAhead(366)));
    await el.updateComplete;
    expect(field.getAttribute('aria-invalid')).to.equal('true');
    type(field, '');
    await el.updateComplete;
    expect(field.hasAttribute('aria-invalid')).to.equal(false);
    button(el, 'Save').click();
    await eventually(async () => (await api('GET', '/accounts/acme/policy')).body.mode === 'required_all');
    expect((await api('GET', '/accounts/acme/policy')).body.enforceFrom).to.equal(null);
  });

  it('removes a stored start date when the field is emptied', async () => {
    const from = daysAhead(20);
    const saved = await api('PUT', '/accounts/acme/policy', {
      mode: 'required_admins',
      enforceFrom: from.toISOString(),
    });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    const el = await manager();
    const field = dateField(el) as HTMLInputElement;
    await until(() => field.value === localDay(from));
    type(field, '');
    await el.updateComplete;
    button(el, 'Save').click();
    await eventually(async () => (await api('GET', '/accounts/acme/policy')).body.enforceFrom === null);
  });

  it('speaks German', async () => {
    const el = await manager('de');
    await choose(el, 'required_all');
    expect($(el, 'label[for=enforceFrom]').textContent).to.equal('Durchsetzen ab');
    const from = daysAhead(3);
    type(dateField(el) as HTMLInputElement, localDay(from));
    await el.updateComplete;
    const deadline = new Date(from.getTime() + 7 * DAY_MS);
    expect(text(el)).to.contain(
      `Ab ${medium(from, 'de')} müssen 2 Mitglieder ohne MFA sie einrichten (bis ${medium(deadline, 'de')}).`,
    );
    await expect(el).to.be.accessible();
  });
});
