// Every screen of <mfa-user-enroll> as a first-time user meets it (issue 26): errors beside
// their field, focus after each action, successes said once where the user is, buttons that
// say what they do, a removal that says what remains, and a member who must enroll led to it.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import {
  $,
  $$,
  addPasskeyByApi,
  advance,
  api,
  button,
  devicesDown,
  enrollByApi,
  login,
  rememberDays,
  reset,
  setPolicyByApi,
  text,
  totp,
  type,
  until,
  virtualAuthenticator,
} from '../../test/helpers.ts';
import { desktop, expectReflow, phone } from '../../test/reflow.ts';
import { en } from '../strings.ts';
import { de } from '../strings-de.ts';
import './mfa-user-enroll.ts';
import type { MfaUserEnroll } from './mfa-user-enroll.ts';

const languages = [
  ['en', en],
  ['de', de],
] as const;

async function render(lang = 'en', t = en) {
  const el = await fixture<MfaUserEnroll>(
    html`<mfa-user-enroll lang=${lang} .strings=${t}></mfa-user-enroll>`,
  );
  await until(() => el.shadowRoot?.querySelector('section'));
  return el;
}

/** What the element's live regions say, each change of text once, in order (empty texts left out). */
function listen(el: Element): string[] {
  const said: string[] = [];
  const last = new Map<Element, string>();
  const read = () => {
    for (const region of el.shadowRoot?.querySelectorAll('[aria-live], [role=status], [role=alert]') ?? []) {
      const now = (region.textContent ?? '').replace(/\s+/g, ' ').trim();
      if (now !== (last.get(region) ?? '') && now) said.push(now);
      last.set(region, now);
    }
  };
  new MutationObserver(read).observe(el.shadowRoot as ShadowRoot, {
    subtree: true,
    childList: true,
    characterData: true,
  });
  return said;
}

/** The element in its shadow root that has focus. */
const focused = (el: Element) => el.shadowRoot?.activeElement as HTMLElement | null;

/** A code the app does not show now (nor a step either side). */
async function wrongCode(key: string) {
  const valid = await Promise.all([-1, 0, 1].map((step) => totp(key, step)));
  return ['000000', '111111', '222222', '333333'].find((c) => !valid.includes(c)) as string;
}

describe('<mfa-user-enroll> for a first-time user', () => {
  beforeEach(async () => {
    await reset();
    await login('max');
  });

  for (const [lang, t] of languages) {
    it(`shows a wrong setup code's error beside the field, marks it invalid and keeps focus there (${lang})`, async () => {
      const el = await render(lang, t);
      button(el, t.setUp).click();
      const input = (await until(() =>
        el.shadowRoot?.querySelector<HTMLInputElement>('#code'),
      )) as HTMLInputElement;
      const key = $(el, '.key').textContent?.replace(/ /g, '') ?? '';
      type(input, await wrongCode(key));
      button(el, t.confirm).click();
      await until(() => input.getAttribute('aria-invalid') === 'true');
      const ids = (input.getAttribute('aria-describedby') ?? '').split(' ');
      const error = ids
        .map((id) => el.shadowRoot?.getElementById(id))
        .find((p) => p?.textContent?.includes(t.attemptsLeft(4)));
      expect(error, `no description of #code says "${t.attemptsLeft(4)}"`).to.exist;
      // Right under the field, not below the passkeys and the devices.
      const gap = (error as HTMLElement).getBoundingClientRect().top - input.getBoundingClientRect().bottom;
      expect(gap).to.be.within(0, 48);
      expect(focused(el)).to.equal(input);
      await expect(el).to.be.accessible();
      // A good code clears the mark.
      type(input, await totp(key));
      button(el, t.confirm).click();
      await until(() => $$(el, '.codes li').length === 10);
    });
  }

  for (const [lang, t] of languages) {
    it(`says "Two-factor authentication is on" at the top of the card, once, when setup ends (${lang})`, async () => {
      const el = await render(lang, t);
      const said = listen(el);
      button(el, t.setUp).click();
      await until(() => el.shadowRoot?.querySelector('#code'));
      const key = $(el, '.key').textContent?.replace(/ /g, '') ?? '';
      type($(el, '#code'), await totp(key));
      button(el, t.confirm).click();
      await until(() => $$(el, '.codes li').length === 10);
      ($(el, '.check input') as HTMLInputElement).click();
      await el.updateComplete;
      button(el, t.done).click();
      await until(() => text(el).includes(t.mfaOn));
      const done = $$(el, 'p').find((p) => p.textContent?.includes(t.mfaOn)) as HTMLElement;
      // At the top of the card, above the app's buttons and the passkeys.
      expect(done.getBoundingClientRect().top).to.be.below($(el, '.passkeys').getBoundingClientRect().top);
      expect(done.getBoundingClientRect().top).to.be.below(
        button(el, t.regenerate).getBoundingClientRect().top,
      );
      await until(() => said.includes(t.mfaOn));
      expect(said.filter((s) => s.includes(t.mfaOn))).to.have.length(1);
      expect(focused(el)?.id).to.equal('title');
      await expect(el).to.be.accessible();
      for (const size of [phone, desktop]) {
        await size();
        await expectReflow(el, `set up, said at the top (${lang})`);
      }
    });
  }

  it('names the copy buttons by what they copy in German too, beside Print', async () => {
    const el = await render('de', de);
    button(el, de.setUp).click();
    await until(() => el.shadowRoot?.querySelector('#code'));
    expect(button(el, 'Schlüssel kopieren')).to.exist;
    type($(el, '#code'), await totp($(el, '.key').textContent?.replace(/ /g, '') ?? ''));
    button(el, de.confirm).click();
    await until(() => $$(el, '.codes li').length === 10);
    expect(button(el, 'Wiederherstellungscodes kopieren')).to.exist;
    expect(button(el, 'Drucken')).to.exist;
    for (const size of [phone, desktop]) {
      await size();
      await expectReflow(el, 'the codes with Copy, Download and Print (de)');
    }
  });

  it('names the copy buttons by what they copy, describes Set up, and names the download by the site', async () => {
    const el = await render();
    const setUp = button(el, 'Set up');
    const described = el.shadowRoot?.getElementById(setUp.getAttribute('aria-describedby') ?? '');
    expect(described?.textContent).to.contain('Authenticator app');
    setUp.click();
    await until(() => el.shadowRoot?.querySelector('#code'));
    expect($$(el, 'button').filter((b) => b.textContent?.trim() === 'Copy')).to.have.length(0);
    // Copied: shown beside the key's field and said once.
    const said = listen(el);
    const copied: string[] = [];
    const writeText = navigator.clipboard.writeText;
    navigator.clipboard.writeText = async (text: string) => {
      copied.push(text);
    };
    try {
      button(el, 'Copy key').click();
      await until(() => $(el, '#message').textContent?.includes('Copied.'));
    } finally {
      navigator.clipboard.writeText = writeText;
    }
    expect(copied).to.deep.equal([$(el, '.key').textContent?.replace(/ /g, '')]);
    await until(() => said.includes('Copied.'));
    expect(said.filter((s) => s === 'Copied.')).to.have.length(1);
    const key = $(el, '.key').textContent?.replace(/ /g, '') ?? '';
    type($(el, '#code'), await totp(key));
    button(el, 'Confirm').click();
    await until(() => $$(el, '.codes li').length === 10);
    expect(button(el, 'Copy recovery codes')).to.exist;

    // The download: named by the site, with the site, the user and the date inside.
    const saved: { name: string; text: Promise<string> }[] = [];
    const click = HTMLAnchorElement.prototype.click;
    const createObjectURL = URL.createObjectURL;
    const blobs = new Map<string, Blob>();
    URL.createObjectURL = (blob: Blob) => {
      const url = createObjectURL(blob);
      blobs.set(url, blob);
      return url;
    };
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, text: (blobs.get(this.href) as Blob).text() });
    };
    try {
      button(el, 'Download').click();
    } finally {
      HTMLAnchorElement.prototype.click = click;
      URL.createObjectURL = createObjectURL;
    }
    expect(saved).to.have.length(1);
    expect(saved[0]?.name).to.equal(`${location.hostname}-recovery-codes.txt`);
    const file = await (saved[0] as { text: Promise<string> }).text;
    const codes = $$(el, '.codes code').map((c) => c.textContent ?? '');
    expect(file).to.contain(location.hostname);
    expect(file).to.contain('max');
    expect(file).to.contain(new Date().toISOString().slice(0, 10));
    for (const code of codes) expect(file).to.contain(code);

    // Print: the same lines, in a frame of their own that is printed and removed.
    const printed: string[] = [];
    const frames = Object.getOwnPropertyDescriptor(
      HTMLIFrameElement.prototype,
      'contentWindow',
    ) as PropertyDescriptor;
    Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', {
      configurable: true,
      get(this: HTMLIFrameElement) {
        const real = frames.get?.call(this) as Window;
        return {
          document: real.document,
          focus() {},
          print: () => printed.push(real.document.body.textContent ?? ''),
        };
      },
    });
    try {
      button(el, 'Print').click();
    } finally {
      Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', frames);
    }
    expect(printed).to.have.length(1);
    for (const code of codes) expect(printed[0]).to.contain(code);
    expect(printed[0]).to.contain(location.hostname);
    await expect(el).to.be.accessible();
  });

  for (const [lang, t] of languages) {
    it(`says what remains before the app is removed; Escape cancels and returns to Remove (${lang})`, async () => {
      await enrollByApi();
      const el = await render(lang, t);
      button(el, t.remove).click();
      await until(() => text(el).includes(t.removeAppLeavesNone));
      // The confirmation is described by what remains.
      const yes = button(el, t.removeConfirm);
      await until(() => focused(el) === yes);
      const what = el.shadowRoot?.getElementById(yes.getAttribute('aria-describedby') ?? '');
      expect(what?.textContent).to.contain(t.removeAppLeavesNone);
      await expect(el).to.be.accessible();
      for (const size of [phone, desktop]) {
        await size();
        await expectReflow(el, `the removal, saying what remains (${lang})`);
      }
      yes.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
      await until(() => focused(el)?.textContent?.trim() === t.remove);
      expect(text(el)).not.to.contain(t.removeAppLeavesNone);
    });
  }

  it('focuses the result after Remove app, behind a step-up, and after Try again', async () => {
    const { secret } = await enrollByApi();
    await rememberDays(14);
    const el = await render();
    await advance(16 * 60);
    button(el, 'Remove authenticator app').click();
    await el.updateComplete;
    button(el, 'Yes, remove the app').click();
    const challenge = await until(() => el.shadowRoot?.querySelector('mfa-challenge'));
    const input = await until(() => challenge.shadowRoot?.querySelector<HTMLInputElement>('#code'));
    type(input, await totp(secret, 32 + 1));
    const removed = oneEvent(el, 'mfa-unenrolled');
    button(challenge, 'Verify').click();
    await removed;
    await until(() => text(el).includes('Authenticator app removed.'));
    await until(() => focused(el)?.textContent?.trim() === 'Set up');

    // Try again after a failed list: focus goes to the list's heading, not the page.
    await devicesDown(true);
    const again = await render();
    await until(() => again.shadowRoot?.querySelector('.devices [role=alert]'));
    await devicesDown(false);
    button(again, 'Try again').focus();
    button(again, 'Try again').click();
    await until(() => again.shadowRoot?.querySelector('.devices p:not([role=alert])'));
    await until(() => focused(again)?.id === 'devices-title');
  });

  describe('with passkeys', () => {
    beforeEach(() => virtualAuthenticator('add'));
    afterEach(() => virtualAuthenticator('remove'));

    it('says "Passkey added." in the passkeys section, once, and focuses Add a passkey', async () => {
      await addPasskeyByApi('Phone');
      await virtualAuthenticator('add');
      const el = await render();
      const said = listen(el);
      button(el, 'Add a passkey').click();
      (await until(() => el.shadowRoot?.querySelector<HTMLInputElement>('#passkey-name'))).value = 'Laptop';
      button(el, 'Continue').click();
      await until(() => $$(el, '.passkey-list li').length === 2);
      await until(() => $(el, '.passkeys').textContent?.includes('Passkey added.'));
      await until(() => said.includes('Passkey added.'));
      expect(said.filter((s) => s === 'Passkey added.')).to.have.length(1);
      expect(focused(el)?.textContent?.trim()).to.equal('Add a passkey');
    });

    it('says what remains before the app is removed: the passkeys', async () => {
      await enrollByApi();
      await advance(30);
      await addPasskeyByApi('Phone');
      const el = await render();
      button(el, 'Remove authenticator app').click();
      await until(() => text(el).includes('You will sign in with your passkey.'));
      await expect(el).to.be.accessible();
    });

    for (const [lang, t] of languages) {
      it(`asks for the step-up to add a passkey in the passkeys section, in its own words (${lang})`, async () => {
        await enrollByApi();
        const el = await render(lang, t);
        await advance(16 * 60);
        button(el, t.addPasskey).click();
        await until(() => el.shadowRoot?.querySelector('#passkey-name'));
        button(el, t.continue).click();
        const challenge = await until(() => el.shadowRoot?.querySelector('.passkeys mfa-challenge'));
        expect($(el, '.passkeys').textContent).to.contain(t.stepUpFor['add-passkey']);
        expect(text(el)).not.to.contain(t.stepUp);
        await until(() => el.shadowRoot?.activeElement === challenge);
        await expect(el).to.be.accessible();
      });
    }

    it('offers only a passkey in a step-up that accepts only passkeys', async () => {
      await login('ada');
      await enrollByApi();
      expect((await setPolicyByApi('acme', { mode: 'required_all' })).status).to.equal(200);
      await login('max');
      const { secret } = await enrollByApi();
      await advance(30);
      await addPasskeyByApi('Phone');
      const el = await render();
      await advance(16 * 60);
      button(el, 'Regenerate recovery codes').click();
      const challenge = await until(() => el.shadowRoot?.querySelector('mfa-challenge'));
      await until(
        () => challenge.shadowRoot?.querySelector('button.primary')?.textContent?.trim() === 'Use a passkey',
      );
      await new Promise((r) => setTimeout(r, 200));
      expect($$(challenge, 'button.link').map((b) => b.textContent?.trim())).to.deep.equal([]);
      expect(challenge.shadowRoot?.querySelector('#code')).to.equal(null);
      void secret;
    });
  });

  describe('a member whom an account requires to enroll', () => {
    async function requireAll(body: Record<string, unknown> = {}) {
      await login('ada');
      await virtualAuthenticator('add');
      await addPasskeyByApi('Ada key');
      expect((await setPolicyByApi('acme', { mode: 'required_all', ...body })).status).to.equal(200);
      await virtualAuthenticator('remove');
      await login('max');
      await api('GET', '/accounts/acme/access'); // max's grace period begins
    }
    /** The lead of the card: what stands between the title and the first method. */
    const lead = (el: MfaUserEnroll) => $(el, '.lead');

    for (const [lang, t] of languages) {
      it(`leads with what Acme requires and by when, recommending a passkey (${lang})`, async () => {
        await requireAll();
        const el = await render(lang, t);
        const first = lead(el);
        expect(first.getBoundingClientRect().top).to.be.below($(el, '.passkeys').getBoundingClientRect().top);
        expect(first.getBoundingClientRect().top).to.be.below(
          button(el, t.setUp).getBoundingClientRect().top,
        );
        expect(first.textContent).to.contain('Acme');
        expect(first.textContent).to.match(/\d{4}/);
        expect(first.textContent).to.contain(t.recommendPasskey);
        expect(button(el, t.addPasskey).classList.contains('primary')).to.equal(true);
        expect(button(el, t.setUp).classList.contains('primary')).to.equal(false);
        await expect(el).to.be.accessible();
        for (const size of [phone, desktop]) {
          await size();
          await expectReflow(el, `the lead (${lang})`);
        }
      });
    }

    it('recommends the app where the browser has no passkeys', async () => {
      await requireAll();
      const original = Object.getOwnPropertyDescriptor(window, 'PublicKeyCredential');
      Object.defineProperty(window, 'PublicKeyCredential', { value: undefined, configurable: true });
      try {
        const el = await render();
        expect(lead(el).textContent).to.contain(en.recommendApp);
        expect(button(el, 'Set up').classList.contains('primary')).to.equal(true);
      } finally {
        if (original) Object.defineProperty(window, 'PublicKeyCredential', original);
      }
    });

    it('tells a member with only an app that Acme needs a passkey by its deadline', async () => {
      await enrollByApi();
      await requireAll({ allowedFactors: 'phishing_resistant' });
      const el = await render();
      expect(lead(el).textContent).to.match(/Acme accepts only passkeys.*add (one|a passkey) by .*\d{4}/);
    });

    it('says "now", not a date in the past, once the grace period has ended', async () => {
      await requireAll({ gracePeriodDays: 0 });
      const el = await render();
      expect(lead(el).textContent).to.contain('now');
      expect(lead(el).textContent).not.to.match(/\d{4}/);
    });
  });
});

describe('<mfa-user-enroll> after an administrator reset the member', () => {
  beforeEach(async () => {
    await reset();
  });

  for (const [lang, t] of languages) {
    it(`says the reset and its day, not that a grace period ended (${lang})`, async () => {
      await login('max');
      await enrollByApi();
      await login('ada');
      await enrollByApi();
      expect((await setPolicyByApi('acme', { mode: 'required_all' })).status).to.equal(200);
      expect((await api('DELETE', '/accounts/acme/members/max/mfa')).status).to.equal(200);
      await login('max');
      const resetAt = (await api('GET', '/me')).body.requiredBy[0].resetAt as string;
      expect(resetAt).to.be.a('string');
      const el = await render(lang, t);
      const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date(resetAt));
      await until(() => text(el).includes(t.requiredByReset('Acme', date)));
      expect(text(el)).not.to.contain(t.requiredByOverdue('Acme', date));
    });
  }
});
