import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import {
  $,
  $$,
  addMembers,
  advance,
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
} from '../../test/helpers.ts';
import { focusIn, liveLog, sleep } from '../../test/live-log.ts';
import { desktop, expectReflow, phone } from '../../test/reflow.ts';
import type { MfaMemberResetEvent } from '../events.ts';
import type { MfaChallenge } from '../mfa-challenge/mfa-challenge.ts';
import { de } from '../strings-de.ts';
import '../mfa-challenge/mfa-challenge.ts';
import './mfa-members.ts';
import type { MfaMembers } from './mfa-members.ts';

/** A cell's value as shown on a wide screen (without the column name a stacked cell shows). */
function cellText(cell: Element): string {
  const copy = cell.cloneNode(true) as Element;
  for (const label of copy.querySelectorAll('.cell-label')) label.remove();
  return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
}

const rowNames = (el: MfaMembers) => $$(el, 'tbody th').map((th) => th.textContent?.trim());

async function ready(el: MfaMembers) {
  await until(() => el.shadowRoot?.querySelector('table, .error, section > p:not([role])'));
  return el;
}

const members = (base = '/mfa', delay = 0) =>
  fixture<MfaMembers>(
    html`<mfa-members account-id="acme" api-base=${base} search-delay=${delay}></mfa-members>`,
  );

function deepActive(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

describe('<mfa-members>', () => {
  beforeEach(async () => {
    await reset();
  });

  it('lists the members for an administrator, with the filters and their counts, axe-clean', async () => {
    await login('max');
    await enrollByApi();
    await login('ada');
    const el = await ready(await members());
    await expect(el).to.be.accessible();
    expect(rowNames(el)).to.deep.equal(['Ada Admin', 'Max Member', 'Sam Shared']);
    expect(
      $$(el, '[role=group] button').map((b) => b.textContent?.replace(/\s+/g, ' ').trim()),
    ).to.deep.equal(['All (3)', 'Without MFA (2)', 'Overdue (0)']);
    expect($(el, '[aria-pressed=true]').textContent).to.contain('All');
    const max = [...($$(el, 'tbody tr')[1]?.querySelectorAll('th, td') ?? [])].map(cellText);
    expect(max.slice(0, 4)).to.deep.equal(['Max Member', 'max@acme.test', 'Member', 'Authenticator app']);
    expect(max[4]).to.match(/^Set up since /);
    expect(max[5]).to.equal('Reset MFA');
    expect($(el, 'tbody button[data-user=max]').getAttribute('aria-label')).to.equal('Reset MFA: Max Member');
    expect(text(el)).to.contain('Not set up');
    expect($(el, 'label[for=search]').textContent).to.contain('Search members');
  });

  it('tells a member that only administrators see it', async () => {
    await login('max');
    const el = await ready(await members());
    expect($(el, '[role=alert]').textContent).to.contain(
      'Only an administrator of this account can do this.',
    );
    await expect(el).to.be.accessible();
  });

  it('shows loading, then an error with Try again when the server fails', async () => {
    await login('ada');
    const slow = await members('/mfa-slow');
    expect(text(slow)).to.contain('Loading…');
    const broken = await ready(await members('/mfa-broken'));
    expect($(broken, '[role=alert]').textContent).to.contain('temporarily unavailable');
    button(broken, 'Try again');
    await expect(broken).to.be.accessible();
  });

  it('asks an administrator whose session is not verified for the code in place, then lists the members', async () => {
    await login('ada');
    const { secret } = await enrollByApi();
    expect((await setPolicyByApi('acme', { mode: 'required_all' })).status).to.equal(200);
    await login('ada'); // a new session: Acme's routes want its second factor first
    const el = await ready(await members());
    expect($(el, '[role=alert]').textContent).to.contain('Verify with your second factor');
    await expect(el).to.be.accessible();
    button(el, 'Verify it is you').click();
    const challenge = await until(() => el.shadowRoot?.querySelector<MfaChallenge>('mfa-challenge'));
    await until(() => challenge.shadowRoot?.querySelector('input'));
    await expect(el).to.be.accessible();
    type($(challenge, 'input'), await totp(secret, 1));
    button(challenge, 'Verify').click();
    await until(() => el.shadowRoot?.querySelector('table'));
    expect(rowNames(el)).to.deep.equal(['Ada Admin', 'Max Member', 'Sam Shared']);
  });

  it('loads again when a challenge elsewhere on the page verifies the session', async () => {
    await login('ada');
    const { secret } = await enrollByApi();
    expect((await setPolicyByApi('acme', { mode: 'required_all' })).status).to.equal(200);
    await login('ada');
    const page = await fixture<HTMLElement>(
      html`<div><mfa-challenge></mfa-challenge><mfa-members account-id="acme"></mfa-members></div>`,
    );
    const list = page.querySelector('mfa-members') as MfaMembers;
    const challenge = page.querySelector('mfa-challenge') as MfaChallenge;
    await ready(list);
    expect(list.shadowRoot?.querySelector('mfa-challenge'), 'no second code field').to.equal(null);
    await until(() => challenge.shadowRoot?.querySelector('input'));
    type($(challenge, 'input'), await totp(secret, 1));
    button(challenge, 'Verify').click();
    await until(() => list.shadowRoot?.querySelector('table'));
    expect(rowNames(list)).to.deep.equal(['Ada Admin', 'Max Member', 'Sam Shared']);
  });

  it('pages with Load more, filters, and searches after the typing stops', async () => {
    await addMembers(60);
    await login('ada');
    const el = await ready(await members('/mfa', 100));
    expect(rowNames(el)).to.have.length(50);
    expect(text(el)).to.contain('Showing 50 of 63');
    button(el, 'Load more').focus();
    button(el, 'Load more').click();
    await until(() => rowNames(el).length === 63);
    expect(rowNames(el).at(-1)).to.equal('Sam Shared');
    expect($(el, '[data-live]').textContent).to.contain('Showing 63 of 63');
    expect($$(el, 'button').some((b) => b.textContent?.includes('Load more'))).to.equal(false);

    const search = $(el, 'input[type=search]');
    let requests = 0;
    const count = () => requests++;
    const original = window.fetch;
    window.fetch = (...args) => {
      if (String(args[0]).includes('/members')) count();
      return original(...args);
    };
    try {
      type(search, 'mem');
      type(search, 'member 05');
      await until(() => rowNames(el).length < 50, 2000);
      expect(requests).to.equal(1); // one search, after the typing stopped
    } finally {
      window.fetch = original;
    }
    expect(rowNames(el)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `Member 05${i}`));
    type(search, 'nobody@nowhere');
    await until(() => text(el).includes('No members match.'));
    await expect(el).to.be.accessible();
    type(search, '');
    await until(() => rowNames(el).length === 50);
    button(el, 'Overdue (0)').click();
    await until(() => text(el).includes('No members match.'));
    expect($(el, '[aria-pressed=true]').textContent).to.contain('Overdue');
  });

  it('shows deadlines and who is overdue, and filters by them', async () => {
    await login('ada');
    const { secret } = await enrollByApi();
    expect((await setPolicyByApi('acme', { mode: 'required_all', gracePeriodDays: 1 })).status).to.equal(200);
    await login('max'); // max's grace begins
    await api('GET', '/accounts/acme/access');
    await advance(2 * 86_400);
    await login('sam'); // sam's begins two days later
    await api('GET', '/accounts/acme/access');
    await login('ada');
    expect((await api('POST', '/challenge', { code: await totp(secret, 2 * 2880 + 1) })).status).to.equal(
      200,
    );
    const el = await ready(await members());
    expect(button(el, 'Overdue (1)')).to.exist;
    expect($$(el, 'tbody tr')[1]?.textContent).to.match(/Overdue since/);
    expect($$(el, 'tbody tr')[2]?.textContent).to.match(/Due by/);
    button(el, 'Without MFA (2)').click();
    await until(() => rowNames(el).length === 2);
    button(el, 'Overdue (1)').click();
    await until(() => rowNames(el).length === 1);
    expect(rowNames(el)).to.deep.equal(['Max Member']);
    await expect(el).to.be.accessible();
  });

  it('copies the emails of the members without MFA', async () => {
    await login('ada');
    await enrollByApi();
    const el = await ready(await members());
    button(el, 'Copy emails').click();
    await until(() => text(el).includes('Copied 2 emails of members without MFA.'));
    const shown = el.shadowRoot?.querySelector('textarea');
    const copied = shown ? shown.value : await navigator.clipboard.readText().catch(() => '');
    if (shown || copied) expect(copied).to.equal('max@acme.test, sam@both.test');
  });

  it('resets a member after a confirmation that names them, with the step-up when needed', async () => {
    await login('max');
    await enrollByApi();
    await login('ada');
    const { secret } = await enrollByApi();
    await advance(20 * 60); // the administrator's verification is no longer fresh enough to reset
    const el = await ready(await members());
    const resetMax = button(el, 'Reset MFA: Max Member');
    resetMax.click();
    const dialog = await until(() => el.shadowRoot?.querySelector<HTMLDialogElement>('dialog[open]'));
    expect(dialog.querySelector('h2')?.textContent).to.equal('Reset MFA for Max Member?');
    expect(deepActive()?.textContent?.trim()).to.equal('Cancel');
    await expect(el).to.be.accessible();
    const [confirm] = [...dialog.querySelectorAll('button')].filter(
      (b) => b.textContent?.trim() === 'Reset MFA',
    );
    confirm?.click();
    const challenge = await until(() => dialog.querySelector<MfaChallenge>('mfa-challenge'));
    await until(() => challenge.shadowRoot?.querySelector('input'));
    await expect(el).to.be.accessible();
    const resetEvent = oneEvent(el, 'mfa-member-reset') as Promise<MfaMemberResetEvent>;
    type($(challenge, 'input'), await totp(secret, 40 + 1));
    button(challenge, 'Verify').click();
    expect((await resetEvent).userId).to.equal('max');
    await until(() => !el.shadowRoot?.querySelector('dialog[open]'));
    await until(() => text(el).includes('MFA was reset for Max Member.'));
    await until(() => deepActive()?.tagName === 'H2'); // max has no Reset button any more
    expect($$(el, 'tbody tr')[1]?.textContent).to.contain('Not set up');
  });

  it('explains in words why a member of other accounts cannot be reset here', async () => {
    await login('sam');
    await enrollByApi();
    await login('ada');
    await enrollByApi();
    const el = await ready(await members());
    button(el, 'Reset MFA: Sam Shared').click();
    const dialog = await until(() => el.shadowRoot?.querySelector<HTMLDialogElement>('dialog[open]'));
    [...dialog.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Reset MFA')?.click();
    const alert = await until(() => dialog.querySelector('[role=alert]'));
    expect(alert.textContent).to.contain('Sam Shared also belongs to other accounts');
    await expect(el).to.be.accessible();
    [...dialog.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Close')?.click();
    await until(() => !el.shadowRoot?.querySelector('dialog[open]'));
    await until(() => deepActive()?.getAttribute('aria-label') === 'Reset MFA: Sam Shared');
  });

  it('fits a 320 px window: each member a block of lines, the dialog too', async () => {
    await login('max');
    await enrollByApi();
    await login('ada');
    await phone();
    try {
      const el = await ready(await members());
      await expectReflow(el, 'the table');
      button(el, 'Reset MFA: Max Member').click();
      await until(() => el.shadowRoot?.querySelector('dialog[open]'));
      await expectReflow(el, 'the reset dialog');
    } finally {
      await desktop();
    }
  });

  describe('as a first-time administrator meets it', () => {
    /** The member's status cell, as shown. */
    const statusOf = (el: MfaMembers, name: string) => {
      const row = $$(el, 'tbody tr').find((tr) => tr.querySelector('th')?.textContent?.trim() === name);
      const cell = row?.querySelectorAll('td')[3];
      return cell ? cellText(cell) : '';
    };

    it('after Load more, focus is on the first new row and the count is said once', async () => {
      await addMembers(60);
      await login('ada');
      const el = await ready(await members());
      const more = button(el, 'Load more');
      more.focus();
      const live = liveLog(el);
      more.click();
      await until(() => rowNames(el).length === 63);
      await until(() => live.said.length > 0);
      await sleep(300);
      live.stop();
      expect(live.said).to.deep.equal(['Showing 63 of 63']);
      expect(focusIn(el)).to.equal(`th "${rowNames(el)[50]}"`);
      await expect(el).to.be.accessible();
    });

    it('names the column of each value when the table is stacked at phone width (en, de)', async () => {
      await login('ada');
      await enrollByApi();
      await phone();
      try {
        for (const [lang, strings, role] of [
          ['en', {}, 'Role'],
          ['de', de, 'Rolle'],
        ] as const) {
          const el = await ready(
            await fixture<MfaMembers>(
              html`<mfa-members lang=${lang} account-id="acme" .strings=${strings}></mfa-members>`,
            ),
          );
          const cells = [...($$(el, 'tbody tr')[0]?.querySelectorAll('td') ?? [])].slice(0, 4);
          const labels = cells.map((td) => {
            const label = td.querySelector('.cell-label');
            return label && getComputedStyle(label).display !== 'none' ? label.textContent?.trim() : null;
          });
          expect(labels[1]).to.equal(role);
          expect(labels.every(Boolean), 'every stacked cell has its label').to.equal(true);
          await expectReflow(el, `the stacked table (${lang})`);
        }
      } finally {
        await desktop();
      }
      const wide = await ready(await members());
      expect(getComputedStyle($(wide, 'td .cell-label')).display).to.equal('none');
    });

    it('stays within its card in German on a 1280 px screen', async () => {
      await login('max');
      await enrollByApi();
      await login('sam');
      await enrollByApi();
      await login('ada');
      await enrollByApi();
      await setViewport({ width: 1280, height: 800 });
      try {
        const card = await fixture<HTMLElement>(
          html`<div style="width: 700px; font: 400 15px/1.5 system-ui"><mfa-members lang="de" account-id="acme" .strings=${de}></mfa-members></div>`,
        );
        const el = await ready(card.querySelector('mfa-members') as MfaMembers);
        await until(() => $$(el, 'tbody button').length === 3);
        const edge = card.getBoundingClientRect().right;
        for (const node of [$(el, 'table'), ...$$(el, 'th, td, button')]) {
          expect(node.getBoundingClientRect().right, node.textContent ?? '').to.be.at.most(edge + 0.5);
        }
      } finally {
        await desktop();
      }
    });

    for (const [lang, strings, filter, appOnly] of [
      ['en', {}, 'Without a passkey (3)', 'App only — needs a passkey'],
      ['de', de, 'Ohne Passkey (3)', 'Nur App – braucht einen Passkey'],
    ] as const) {
      it(`under "Phishing-resistant only" names the filter and the status of a member with only an app truly (${lang})`, async () => {
        await login('max');
        await enrollByApi();
        await login('ada');
        await enrollByApi();
        expect(
          (await setPolicyByApi('acme', { mode: 'optional', allowedFactors: 'phishing_resistant' })).status,
        ).to.equal(200);
        const el = await ready(
          await fixture<MfaMembers>(
            html`<mfa-members lang=${lang} account-id="acme" .strings=${strings}></mfa-members>`,
          ),
        );
        await until(() => $$(el, '[role=group] button').some((b) => b.textContent?.trim() === filter));
        expect(statusOf(el, 'Max Member')).to.equal(appOnly);
        await expect(el).to.be.accessible();
      });
    }

    it('after Reset MFA under a requiring policy, shows the reset and its day, never an earlier date', async () => {
      await login('max');
      await enrollByApi();
      await login('ada');
      await enrollByApi();
      expect((await setPolicyByApi('acme', { mode: 'required_all', gracePeriodDays: 7 })).status).to.equal(
        200,
      );
      const el = await ready(await members());
      const before = Date.now();
      button(el, 'Reset MFA: Max Member').click();
      const dialog = await until(() => el.shadowRoot?.querySelector<HTMLDialogElement>('dialog[open]'));
      [...dialog.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Reset MFA')?.click();
      await until(() => text(el).includes('MFA was reset for Max Member.'));
      const answer = (await api('GET', '/accounts/acme/members')).body.members.find(
        (m: { userId: string }) => m.userId === 'max',
      ) as { resetAt: string | null; deadline: string | null; overdue: boolean };
      // The server answers the reset's time as the deadline, not a date months before it.
      expect(answer.resetAt).to.be.a('string');
      expect(answer.deadline).to.equal(answer.resetAt);
      expect(new Date(answer.resetAt as string).getTime()).to.be.at.least(before - 1000);
      const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(
        new Date(answer.resetAt as string),
      );
      await until(() => statusOf(el, 'Max Member') === `Reset ${date} — must set up at next sign-in`);
      const german = await ready(
        await fixture<MfaMembers>(
          html`<mfa-members lang="de" account-id="acme" .strings=${de}></mfa-members>`,
        ),
      );
      const datum = new Intl.DateTimeFormat('de', { dateStyle: 'medium' }).format(
        new Date(answer.resetAt as string),
      );
      expect(statusOf(german, 'Max Member')).to.equal(
        `Zurückgesetzt am ${datum} – muss MFA bei der nächsten Anmeldung einrichten`,
      );
    });
  });

  it('speaks German', async () => {
    await login('ada');
    const el = await ready(
      await fixture<MfaMembers>(html`<mfa-members lang="de" account-id="acme" .strings=${de}></mfa-members>`),
    );
    expect(text(el)).to.contain('Mitglieder');
    button(el, 'Alle (3)');
    button(el, 'Ohne MFA (3)');
    expect(text(el)).to.contain('Nicht eingerichtet');
    expect(text(el)).to.contain('Administrator');
    await expect(el).to.be.accessible();
  });
});
