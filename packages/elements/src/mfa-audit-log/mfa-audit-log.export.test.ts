// Export CSV: a link that downloads the account's whole activity log from `audit.csv`, with
// the session's cookies.
import { expect, fixture, html } from '@open-wc/testing';
import { $$, download, enrollByApi, login, reset, setPolicyByApi, until } from '../../test/helpers.ts';
import type { MfaStrings } from '../strings.ts';
import { de } from '../strings-de.ts';
import './mfa-audit-log.ts';
import type { MfaAuditLog } from './mfa-audit-log.ts';

const HEADER = 'Time,Event,Actor,Actor ID,Member,Member ID,Before,After';

async function log(lang = 'en', strings: Partial<MfaStrings> = {}, base = '/mfa') {
  const el = await fixture<MfaAuditLog>(
    html`<mfa-audit-log lang=${lang} account-id="acme" api-base=${base} .strings=${strings}></mfa-audit-log>`,
  );
  await until(() => el.shadowRoot?.querySelector('ol, [role=alert], section > p:not([role])'));
  return el;
}

function exportLink(el: Element, name = 'Export CSV'): HTMLAnchorElement {
  const found = $$(el, 'a[href]').filter((a) => a.textContent?.replace(/\s+/g, ' ').trim() === name);
  if (found.length !== 1) throw new Error(`not one link "${name}"`);
  return found[0] as HTMLAnchorElement;
}

describe('<mfa-audit-log>: Export CSV', () => {
  beforeEach(async () => {
    await reset();
  });

  it('is a download link to audit.csv under api-base, axe-clean, and downloads the log', async () => {
    await login('ada');
    await enrollByApi();
    expect((await setPolicyByApi('acme', { mode: 'required_all' })).status).to.equal(200);
    const el = await log();
    const link = exportLink(el);
    expect(link.getAttribute('href')).to.equal('/mfa/accounts/acme/audit.csv');
    expect(link.hasAttribute('download')).to.equal(true);
    expect(link.getAttribute('part')).to.equal('export');
    await expect(el).to.be.accessible();

    const saved = await download(() => link.click());
    expect(saved.state).to.equal('completed');
    expect(saved.filename).to.equal('audit-acme.csv');
    const text = saved.text ?? '';
    expect(text.startsWith(`\uFEFF${HEADER}`), JSON.stringify(text.slice(0, 120))).to.equal(true);
    // Newest first: the policy change, then Ada's app.
    const events = text
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((row) => row.split(',')[1]);
    expect(events).to.deep.equal(['policy.updated', 'mfa.enrolled']);
  });

  it('is in German with the German strings, and can be reworded', async () => {
    await login('ada');
    const german = await log('de', de);
    exportLink(german, 'CSV exportieren');
    await expect(german).to.be.accessible();
    exportLink(await log('en', { exportCsv: 'Download the activity' }), 'Download the activity');
  });

  it('is not offered when the log is refused', async () => {
    await login('max');
    const el = await log();
    expect($$(el, 'a[download]')).to.have.length(0);
  });
});
