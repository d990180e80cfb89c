// <mfa-challenge> as a first-time user meets it (issue 26): focused when it is the page's
// main content, a lock said once at its start and once at its end (never per second), the
// way out of a lock, a lock still shown after a reload, and what an account accepts.
import { expect, fixture, html } from '@open-wc/testing';
import {
  $,
  $$,
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
import { desktop, expectReflow, phone } from '../../test/reflow.ts';
import { en } from '../strings.ts';
import { de } from '../strings-de.ts';
import './mfa-challenge.ts';
import type { MfaChallenge } from './mfa-challenge.ts';

/** What the element's live regions say, each change of text once, in order (empty texts left out). */
function listen(el: Element): { said: string[]; writes: () => number } {
  const said: string[] = [];
  let writes = 0;
  const last = new Map<Element, string>();
  new MutationObserver(() => {
    for (const region of el.shadowRoot?.querySelectorAll('[aria-live], [role=status], [role=alert]') ?? []) {
      const now = (region.textContent ?? '').replace(/\s+/g, ' ').trim();
      if (now !== (last.get(region) ?? '')) {
        writes++;
        if (now) said.push(now);
      }
      last.set(region, now);
    }
  }).observe(el.shadowRoot as ShadowRoot, { subtree: true, childList: true, characterData: true });
  return { said, writes: () => writes };
}

const focused = (el: Element) => el.shadowRoot?.activeElement as HTMLElement | null;

describe('<mfa-challenge> for a first-time user', () => {
  let secret: string;

  beforeEach(async () => {
    await reset();
    await login('ada');
    ({ secret } = await enrollByApi());
    await login('ada'); // a new session, not yet verified
  });

  async function wrong() {
    const valid = await Promise.all([-1, 0, 1, 2].map((step) => totp(secret, step)));
    return ['000000', '111111', '222222', '333333', '444444'].find((c) => !valid.includes(c)) as string;
  }

  /** Five wrong codes: the wait begins. */
  async function lockOut(el: MfaChallenge, t = en) {
    const code = await wrong();
    for (let i = 0; i < 5; i++) {
      await until(() => !button(el, t.verify).disabled);
      type($(el, '#code'), code);
      button(el, t.verify).click();
      await until(() => ($(el, '#code') as HTMLInputElement).value === '');
    }
    await until(() => button(el, t.verify).disabled && text(el).includes(t.waitSeconds(30).slice(0, 10)));
  }

  it('focuses the code field when it is the main content, not inside another element', async () => {
    const el = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
    await until(() => focused(el)?.id === 'code');
    expect(document.activeElement).to.equal(el);
    (document.activeElement as HTMLElement).blur();
    const inline = await fixture<MfaChallenge>(html`<mfa-challenge no-heading></mfa-challenge>`);
    await new Promise((r) => setTimeout(r, 300));
    expect(focused(inline)).to.equal(null);
  });

  for (const [lang, t] of [
    ['en', en],
    ['de', de],
  ] as const) {
    it(`says the lock once when it begins and once when it ends, politely, then focuses the field (${lang})`, async () => {
      const el = await fixture<MfaChallenge>(
        html`<mfa-challenge lang=${lang} .strings=${t}></mfa-challenge>`,
      );
      const { said, writes } = listen(el);
      await lockOut(el, t);
      expect($$(el, '[aria-live=assertive]')).to.have.length(0);
      await until(() => said.some((s) => s.includes(t.waitSeconds(30).slice(0, 10))));
      const atStart = writes();
      const input = $(el, '#code') as HTMLInputElement;
      expect(input.disabled || input.readOnly).to.equal(true);
      // The way out of a lock: a recovery code, or an administrator.
      expect(text(el)).to.contain(t.lockedHelp);
      await expect(el).to.be.accessible();
      await phone();
      await expectReflow(el, `the lock (${lang})`);
      await desktop();
      // Seconds pass: the countdown may tick on the screen, the live region stays still.
      const before = $(el, '[part=message]').textContent;
      await new Promise((r) => setTimeout(r, 2500));
      expect($(el, '[part=message]').textContent).to.not.equal(before);
      expect(writes()).to.equal(atStart);
      // The wait ends (the clock jumps past it): said once, and the field is back, focused.
      const now = Date.now;
      const later = now() + 40_000;
      Date.now = () => later;
      try {
        await until(() => said.includes(t.waitOver));
        await until(() => focused(el) === input && !input.disabled && !input.readOnly);
      } finally {
        Date.now = now;
      }
      expect(said.filter((s) => s.includes(t.waitSeconds(30).slice(0, 10)))).to.have.length(1);
      expect(said.filter((s) => s === t.waitOver)).to.have.length(1);
      expect(button(el, t.verify).disabled).to.equal(false);
    });
  }

  it('shows a lock after a reload, from GET /me lockedUntil', async () => {
    const el = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
    await lockOut(el);
    // The server says until when: a page loaded during the wait shows it at once.
    expect((await api('GET', '/me')).body.lockedUntil).to.be.a('string');
    const reloaded = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
    await until(() => button(reloaded, 'Verify').disabled && /Try again in \d+ seconds/.test(text(reloaded)));
    expect(text(reloaded)).to.contain(en.lockedHelp);
  });

  it('offers the app code where an account accepts only passkeys but the member holds only the app', async () => {
    // During Acme's grace period, Ada holds only the app, which Acme no longer accepts.
    expect((await api('POST', '/challenge', { code: await totp(secret, 1) })).status).to.equal(200);
    const policy = await setPolicyByApi('acme', {
      mode: 'required_all',
      allowedFactors: 'phishing_resistant',
    });
    expect(policy.status).to.equal(200);
    await login('ada');
    const access = (await api('GET', '/accounts/acme/access')).body;
    const el = await fixture<MfaChallenge>(html`<mfa-challenge account-id="acme"></mfa-challenge>`);
    await new Promise((r) => setTimeout(r, 300));
    expect(el.shadowRoot?.querySelector('#code'), JSON.stringify(access)).to.exist;
    expect($(el, 'label').textContent).to.equal('Authentication code');
    await advance(30);
    type($(el, '#code'), await totp(secret, 2));
    button(el, 'Verify').click();
    await until(() => text(el).includes('Verified'));
  });
});
