// Export CSV: a link that downloads what the list shows (its filter and search) from
// `members.csv`, with the session's cookies.
import { expect, fixture, html } from '@open-wc/testing';
import { $, $$, button, download, enrollByApi, login, reset, type, until } from '../../test/helpers.ts';
import type { MfaStrings } from '../strings.ts';
import { de } from '../strings-de.ts';
import './mfa-members.ts';
import type { MfaMembers } from './mfa-members.ts';

const HEADER = 'Name,Email,Role,MFA,Methods,Set up on,Deadline,Overdue,Last reminded,User ID';

async function members(lang = 'en', strings: Partial<MfaStrings> = {}) {
  const el = await fixture<MfaMembers>(
    html`<mfa-members lang=${lang} account-id="acme" search-delay="0" .strings=${strings}></mfa-members>`,
  );
  await until(() => el.shadowRoot?.querySelector('table, [role=alert]'));
  return el;
}

/** The element's links named `name` (an anchor with an href is a link; its text is its name). */
const links = (el: Element, name: string) =>
  $$(el, 'a[href]').filter((a) => a.textContent?.replace(/\s+/g, ' ').trim() === name) as HTMLAnchorElement[];

function exportLink(el: Element, name = 'Export CSV'): HTMLAnchorElement {
  const [link, ...more] = links(el, name);
  if (!link || more.length) throw new Error(`not one link "${name}"`);
  return link;
}

/** The href's path and query, as the element wrote it. */
const target = (a: HTMLAnchorElement) => a.getAttribute('href');

describe('<mfa-members>: Export CSV', () => {
  beforeEach(async () => {
    await reset();
  });

  it('is a download link under api-base that follows the filter and the search, axe-clean', async () => {
    await login('max');
    await enrollByApi();
    await login('ada');
    const el = await members();
    const link = exportLink(el);
    expect(link.hasAttribute('download')).to.equal(true);
    expect(link.getAttribute('part')).to.equal('export');
    expect(target(link)).to.equal('/mfa/accounts/acme/members.csv?status=all');
    await expect(el).to.be.accessible();

    button(el, 'Without MFA (2)').click();
    await until(() => target(exportLink(el))?.includes('without_mfa'));
    expect(target(exportLink(el))).to.equal('/mfa/accounts/acme/members.csv?status=without_mfa');

    type($(el, '#search'), 'sam ');
    await until(() => target(exportLink(el))?.includes('q='));
    expect(target(exportLink(el))).to.equal('/mfa/accounts/acme/members.csv?status=without_mfa&q=sam');

    button(el, 'All (3)').click();
    await until(() => target(exportLink(el))?.includes('status=all'));
    expect(target(exportLink(el))).to.equal('/mfa/accounts/acme/members.csv?status=all&q=sam');
    await expect(el).to.be.accessible();
  });

  it('downloads what the list shows: a byte-order mark, the header row, the members it selects', async () => {
    await login('max');
    await enrollByApi();
    await login('ada');
    const el = await members();
    const all = await download(() => exportLink(el).click());
    expect(all.state).to.equal('completed');
    expect(all.filename).to.equal('members-acme.csv');
    const text = all.text ?? '';
    expect(text.startsWith(`\uFEFF${HEADER}`), JSON.stringify(text.slice(0, 120))).to.equal(true);
    const rows = text.trim().split(/\r?\n/).slice(1);
    expect(rows.map((row) => row.split(',')[0])).to.deep.equal(['Ada Admin', 'Max Member', 'Sam Shared']);

    button(el, 'Without MFA (2)').click();
    await until(() => target(exportLink(el))?.includes('without_mfa'));
    const without = await download(() => exportLink(el).click());
    const names = (without.text ?? '')
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((row) => row.split(',')[0]);
    expect(names).to.deep.equal(['Ada Admin', 'Sam Shared']);
  });

  it('is in German with the German strings, and can be reworded', async () => {
    await login('ada');
    const german = await members('de', de);
    expect(target(exportLink(german, 'CSV exportieren'))).to.equal(
      '/mfa/accounts/acme/members.csv?status=all',
    );
    expect(links(german, 'Export CSV')).to.have.length(0);
    await expect(german).to.be.accessible();
    const reworded = await members('en', { exportCsv: 'Download the list' });
    exportLink(reworded, 'Download the list');
  });

  it('is not offered when the list is refused', async () => {
    await login('max');
    const el = await members();
    expect($$(el, 'a[download]')).to.have.length(0);
  });
});
