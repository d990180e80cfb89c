/**
 * What the page keeps and what it runs. A setup key or recovery code left in the
 * page (in an attribute, a hidden node, an input's value, an event) outlives the
 * moment it was shown: browser extensions, analytics scripts, session replay
 * tools, a later XSS or a screenshot of the page read it. And a string from the
 * server put into the page as HTML (an account name, a member's name, an error
 * message) lets whoever controls it run script in the portal. The elements show
 * the setup key and the codes only as text while the user needs them and remove
 * them when the flow ends; every server string is rendered as text; the one
 * exception, the QR code's SVG, is accepted only by `safeQrDataUrl`'s allow-list
 * and shown through an `<img>`, where nothing in it could run anyway.
 */
import { ContextProvider } from '@lit/context';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { $, $$, api, button, enrollByApi, login, reset, text, totp, type, until } from '../test/helpers.ts';
import { MfaClient } from './client.ts';
import { mfaClientContext } from './context.ts';
import type { MfaChallenge, MfaPolicyManager, MfaSettings, MfaUserEnroll } from './index.ts';
import './index.ts';
import { safeOtpauthUri, safeQrDataUrl } from './qr.ts';

/** Every node under `root`, into every shadow root, open ones included at any depth. */
function deepNodes(root: Node): Node[] {
  const nodes: Node[] = [];
  const walk = (node: Node) => {
    nodes.push(node);
    if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) walk(child);
  };
  walk(root);
  return nodes;
}

const decoded = (value: string) => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/** What the page holds: attribute values (data URLs decoded), text, and the values of inputs. */
function pageContent(root: Node = document) {
  const nodes = deepNodes(root);
  const attributes = nodes
    .filter((n): n is Element => n instanceof Element)
    .flatMap((e) => [...e.attributes].map((a) => `${a.name}=${decoded(a.value)}`));
  const textContent = nodes
    .filter((n) => n.nodeType === Node.TEXT_NODE)
    .map((n) => n.textContent ?? '')
    .join('\n');
  const values = nodes
    .filter((n): n is HTMLInputElement | HTMLTextAreaElement => 'value' in n && n instanceof HTMLElement)
    .map((n) => String(n.value));
  return { attributes: attributes.join('\n'), text: textContent, values: values.join('\n') };
}

/** The forms a setup key can take on a page: as sent, grouped by four, lower case, and its first 8. */
const keyForms = (secret: string) => [secret, secret.match(/.{1,4}/g)?.join(' ') ?? '', secret.toLowerCase()];
/** The forms of a recovery code: as issued, without the dash, upper case. */
const codeForms = (code: string) => [code, code.replace('-', ''), code.toUpperCase()];

function expectAbsent(where: string, content: string, needles: string[]) {
  for (const needle of needles) expect(content.includes(needle), `${where} holds ${needle}`).to.equal(false);
}

/** Records the mfa-* events that reach the document, as text. */
function recordEvents() {
  const seen: string[] = [];
  const types = ['mfa-enrolled', 'mfa-recovery-codes', 'mfa-verified', 'mfa-error', 'mfa-unenrolled'];
  const listener = (e: Event) => seen.push(`${e.type} ${JSON.stringify({ ...e })}`);
  for (const type of types) document.addEventListener(type, listener);
  return {
    text: () => seen.join('\n'),
    stop: () => {
      for (const type of types) document.removeEventListener(type, listener);
    },
  };
}

describe('safeQrDataUrl', () => {
  beforeEach(async () => {
    await reset();
    await login('max');
  });

  it("accepts the server's QR code, and the image it gives renders", async () => {
    const setup = await api('POST', '/me/totp/setup', {});
    const url = safeQrDataUrl(setup.body.qrSvg);
    expect(url).to.match(/^data:image\/svg\+xml;charset=utf-8,/);
    const img = await fixture<HTMLImageElement>(html`<img src=${url ?? ''} alt="QR code" />`);
    await until(() => img.complete && img.naturalWidth > 0);
    // A prolog is fine too, and so is a plain drawing of the same kind.
    expect(safeQrDataUrl(`<?xml version="1.0" encoding="utf-8"?>\n${setup.body.qrSvg}`)).to.be.a('string');
    expect(
      safeQrDataUrl(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><g><rect x="0" y="0" width="4" height="4" fill="#fff"/><path stroke="#000" d="M0 .5h1"/></g></svg>',
      ),
    ).to.be.a('string');
  });

  const svg = (body: string, attributes = '') =>
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"${attributes}>${body}</svg>`;
  const hostile: Record<string, string> = {
    'a script': svg('<script>alert(1)</script>'),
    'a script in capitals': svg('<SCRIPT>alert(1)</SCRIPT>'),
    'a namespaced script': svg('<svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(1)</svg:script>'),
    'an event handler': svg('', ' onload="alert(1)"'),
    'an event handler on a path': svg('<path d="M0 0h1" onclick="alert(1)"/>'),
    'an event handler after a newline': svg('<rect\nonmouseover="alert(1)"/>'),
    'a handler set by animation': svg('<set attributeName="onmouseover" to="alert(1)"/>'),
    'a javascript: link set by animation': svg(
      '<a><animate attributeName="href" values="&#106;avascript:alert(1)"/><text>x</text></a>',
    ),
    'a javascript: link': svg('<a href="javascript:alert(1)"><rect width="9" height="9"/></a>'),
    'a foreign object': svg(
      '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>',
    ),
    'an iframe': svg('<iframe src="https://evil.example"></iframe>'),
    'an external image': svg('<image href="https://evil.example/x.png"/>'),
    'an external use': svg('<use xlink:href="https://evil.example/x.svg#a"/>'),
    'a filter image': svg('<filter id="f"><feImage href="https://evil.example/x.png"/></filter>'),
    'a style sheet import': svg('<style>@import "https://evil.example/x.css";</style>'),
    'a style url': svg('<rect style="fill:url(https://evil.example/x)"/>'),
    'a CSS-escaped url': svg('<rect style="fill: \\75 rl(https://evil.example/x)"/>'),
    'a fill url': svg('<rect width="9" height="9" fill="url(https://evil.example/#p)"/>'),
    'an xml-stylesheet instruction': `<?xml-stylesheet type="text/css" href="https://evil.example/x.css"?>${svg('')}`,
    'an entity': `<!DOCTYPE svg [<!ENTITY x SYSTEM "https://evil.example/x">]>${svg('<text>&x;</text>')}`,
    'a CDATA section': svg('<![CDATA[<script>alert(1)</script>]]>'),
    'a comment hiding markup': svg('<!-- <script>alert(1)</script> -->'),
    'text content': svg('<text>Scan me at evil.example</text>'),
    'a nested svg': svg(svg('<path d="M0 0h1"/>')),
    'HTML after the svg': `${svg('')}<img src=x onerror=alert(1)>`,
    'HTML instead of svg': '<html><body><svg></svg></body></html>',
    'two roots': `${svg('')}${svg('')}`,
    'an unclosed svg': '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1"/>',
    'unbalanced tags': svg('<g><path d="M0 0h1"/></rect>'),
    'another namespace': '<svg xmlns="http://www.w3.org/1999/xhtml"><path d="M0 0h1"/></svg>',
    'a single-quoted attribute': svg("<path d='M0 0h1'/>"),
    'a slash before an attribute': svg('<g/onload="alert(1)"/>'),
    'an encoded space before an attribute': svg('<rect&#x20;onclick="alert(1)"/>'),
    nothing: '',
  };

  for (const [label, markup] of Object.entries(hostile)) {
    it(`refuses ${label}`, () => {
      expect(safeQrDataUrl(markup)).to.equal(null);
    });
  }
});

describe('safeOtpauthUri', () => {
  it("accepts the server's otpauth://totp link and refuses every other scheme", async () => {
    await reset();
    await login('max');
    const setup = await api('POST', '/me/totp/setup', {});
    expect(safeOtpauthUri(setup.body.otpauthUri)).to.equal(setup.body.otpauthUri);
    for (const uri of [
      'javascript:alert(1)',
      'https://example.com/otpauth://totp/x',
      'otpauth://hotp/x?secret=A',
      'otpauth://totp/x"onclick="alert(1)',
      ' otpauth://totp/x',
      '',
    ]) {
      expect(safeOtpauthUri(uri), uri).to.equal(null);
    }
  });
});

describe('<mfa-user-enroll> leaves no secret behind', () => {
  beforeEach(async () => {
    await reset();
    await login('max');
  });

  async function ready() {
    const el = await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`);
    await until(() => el.shadowRoot?.querySelector('section'));
    return el;
  }

  it('keeps the setup key and the recovery codes out of attributes, events and, once done, the page', async () => {
    const events = recordEvents();
    const el = await ready();
    button(el, 'Set up').click();
    const img = (await until(() => el.shadowRoot?.querySelector('img'))) as HTMLImageElement;
    const secret = ($(el, '.key').textContent ?? '').replace(/\s/g, '');
    expect(secret).to.match(/^[A-Z2-7]{32}$/);
    // While it is shown: as text only; the QR image holds it only as drawn modules.
    expectAbsent('an attribute', pageContent().attributes, keyForms(secret));
    expect(img.src.startsWith('data:image/svg+xml')).to.equal(true);

    // A wrong code first: the typed code does not stay in the input either.
    const right = await totp(secret);
    type($(el, '#code'), right === '000000' ? '111111' : '000000');
    button(el, 'Confirm').click();
    await until(() => text(el).includes('attempts left'));
    expect(($(el, '#code') as HTMLInputElement).value).to.equal('');

    type($(el, '#code'), right);
    const issued = oneEvent(el, 'mfa-recovery-codes');
    button(el, 'Confirm').click();
    await issued;
    await until(() => $$(el, '.codes li').length === 10);
    const codes = $$(el, '.codes code').map((c) => c.textContent ?? '');
    expectAbsent('an attribute', pageContent().attributes, codes.flatMap(codeForms));
    expectAbsent('an attribute', pageContent().attributes, keyForms(secret));
    // The setup key left with the setup step.
    expectAbsent('the page', pageContent().text, keyForms(secret));

    ($(el, '.check input') as HTMLInputElement).click();
    await el.updateComplete;
    button(el, 'Done').click();
    await until(() => text(el).includes('on since'));
    const after = pageContent();
    for (const [where, content] of Object.entries(after)) {
      expectAbsent(where, content, [...keyForms(secret), ...codes.flatMap(codeForms), right]);
    }
    // Events that bubble out of the element (to the host page and its scripts) carry no secret.
    expect(events.text()).to.match(/mfa-recovery-codes {.*"count":10}/);
    expectAbsent('an event', events.text(), [...keyForms(secret), ...codes.flatMap(codeForms)]);
    events.stop();
  });

  it('removes the setup key when the setup is cancelled', async () => {
    const el = await ready();
    button(el, 'Set up').click();
    await until(() => el.shadowRoot?.querySelector('.key'));
    const secret = ($(el, '.key').textContent ?? '').replace(/\s/g, '');
    type($(el, '#code'), '123456');
    button(el, 'Cancel').click();
    await until(() => !el.shadowRoot?.querySelector('.key'));
    for (const [where, content] of Object.entries(pageContent())) {
      expectAbsent(where, content, [...keyForms(secret), '123456']);
    }
    expect(el.shadowRoot?.querySelector('img') === null, 'no QR image').to.equal(true);
  });

  it('removes regenerated codes once the user says they saved them', async () => {
    await enrollByApi();
    const el = await ready();
    button(el, 'Regenerate recovery codes').click();
    await until(() => $$(el, '.codes li').length === 10);
    const codes = $$(el, '.codes code').map((c) => c.textContent ?? '');
    expectAbsent('an attribute', pageContent().attributes, codes.flatMap(codeForms));
    ($(el, '.check input') as HTMLInputElement).click();
    await el.updateComplete;
    button(el, 'Done').click();
    await until(() => !el.shadowRoot?.querySelector('.codes'));
    for (const [where, content] of Object.entries(pageContent())) {
      expectAbsent(where, content, codes.flatMap(codeForms));
    }
  });

  it('does not keep a recovery code typed into the challenge, right or wrong', async () => {
    const { recoveryCodes } = await enrollByApi();
    await login('max');
    const el = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
    button(el, 'Use a recovery code instead').click();
    await el.updateComplete;
    type($(el, 'input'), 'aaaaa-bbbbb');
    button(el, 'Verify').click();
    await until(() => text(el).includes('attempts left'));
    expectAbsent('the page', pageContent().values, ['aaaaa-bbbbb']);
    type($(el, 'input'), recoveryCodes[3] as string);
    const verified = oneEvent(el, 'mfa-verified');
    button(el, 'Verify').click();
    await verified;
    for (const [where, content] of Object.entries(pageContent())) {
      expectAbsent(where, content, codeForms(recoveryCodes[3] as string));
    }
  });
});

describe('server strings are text, never HTML', () => {
  const MARKUP = '<img src="x" onerror="window.__mfaInjected = true"><b class="injected">bold</b>';

  beforeEach(() => {
    delete (window as { __mfaInjected?: boolean }).__mfaInjected;
  });

  /** A client whose server answers each `METHOD /path` from `answers` (else 404). */
  function stubClient(answers: Record<string, { status: number; body: unknown }>) {
    return new MfaClient('/stub', async (input, init) => {
      const path = new URL(String(input), location.href).pathname.replace(/^\/stub/, '');
      const answer = answers[`${init?.method ?? 'GET'} ${path}`] ?? {
        status: 404,
        body: { error: { code: 'not_found', message: MARKUP } },
      };
      return new Response(JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'content-type': 'application/json' },
      });
    });
  }

  /** Mounts `tag` below a provider of the stub client. */
  async function mount<T extends HTMLElement>(
    tag: string,
    client: MfaClient,
    set: (el: T) => void = () => {},
  ) {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    new ContextProvider(host, { context: mfaClientContext, initialValue: client });
    const el = document.createElement(tag) as T;
    set(el);
    host.append(el);
    return el;
  }

  /** No element came from the markup, no handler in it ran, and its text is visible as typed. */
  async function expectShownAsText(el: Element) {
    await until(() => text(el).includes('<b class="injected">'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const nodes = deepNodes(el);
    expect(nodes.some((n) => n instanceof Element && n.classList.contains('injected'))).to.equal(false);
    expect(nodes.some((n) => n instanceof HTMLImageElement && n.getAttribute('src') === 'x')).to.equal(false);
    expect('__mfaInjected' in window, 'a handler in the markup ran').to.equal(false);
  }

  const error = (status: number, code: string) => ({ status, body: { error: { code, message: MARKUP } } });

  it('<mfa-challenge> shows an error message from the server as text', async () => {
    const el = await mount<MfaChallenge>(
      'mfa-challenge',
      stubClient({ 'POST /challenge': error(400, 'odd_error') }),
    );
    await until(() => el.shadowRoot?.querySelector('input'));
    type($(el, 'input'), '123456');
    button(el, 'Verify').click();
    await expectShownAsText(el);
  });

  it('<mfa-user-enroll> shows account names, an error message and a hostile QR code as text or not at all', async () => {
    const me = {
      userId: 'max',
      enrolled: false,
      factors: [],
      recoveryCodesRemaining: 0,
      requiredBy: [{ accountId: 'acme', accountName: MARKUP, deadline: null }],
      session: { verified: false, verifiedAt: null },
    };
    const client = stubClient({
      'GET /me': { status: 200, body: me },
      'POST /me/totp/setup': {
        status: 200,
        body: {
          otpauthUri: 'otpauth://totp/x',
          qrSvg: `<svg xmlns="http://www.w3.org/2000/svg"><script>window.__mfaInjected = true</script></svg>`,
          secret: `ABCDEFGH${MARKUP}`,
          expiresAt: new Date(Date.now() + 600_000).toISOString(),
        },
      },
      'POST /me/totp/confirm': error(400, 'odd_error'),
    });
    const el = await mount<MfaUserEnroll>('mfa-user-enroll', client);
    await expectShownAsText(el);
    button(el, 'Set up').click();
    await until(() => el.shadowRoot?.querySelector('.key'));
    // The refused QR code is not shown at all; the key is text.
    expect(el.shadowRoot?.querySelector('img.qr') === null, 'no QR image').to.equal(true);
    expect(deepNodes(el).some((n) => n instanceof Element && n.localName === 'script')).to.equal(false);
    type($(el, '#code'), '123456');
    button(el, 'Confirm').click();
    await until(() => $(el, '#message').textContent?.includes('<img'));
    await expectShownAsText(el);
  });

  it("<mfa-settings> shows the updater's name and the SSO provider as text", async () => {
    const policy = {
      accountId: 'acme',
      mode: 'optional',
      gracePeriodDays: 7,
      enforceAfterSso: false,
      version: 1,
      updatedAt: new Date().toISOString(),
      updatedBy: 'ada',
      updatedByName: MARKUP,
      sso: { enabled: true, provider: MARKUP },
      canManage: false,
      compliance: { members: 1, enrolled: 0 },
    };
    const el = await mount<MfaSettings>(
      'mfa-settings',
      stubClient({ 'GET /accounts/acme/policy': { status: 200, body: policy } }),
      (e) => {
        e.accountId = 'acme';
      },
    );
    await expectShownAsText(el);
    expect(text(el).split('<b class="injected">').length).to.equal(3);
  });

  it("<mfa-policy-manager> shows members' names and an error message as text", async () => {
    const policy = {
      accountId: 'acme',
      mode: 'required_all',
      gracePeriodDays: 7,
      enforceAfterSso: false,
      version: 1,
      updatedAt: null,
      updatedBy: null,
      updatedByName: null,
      sso: { enabled: false, provider: null },
      canManage: true,
      compliance: { members: 1, enrolled: 0 },
    };
    const members = {
      members: [
        {
          userId: 'max',
          displayName: MARKUP,
          email: 'max@acme.test',
          role: 'member',
          enrolled: false,
          enrolledAt: null,
          deadline: null,
        },
      ],
    };
    const el = await mount<MfaPolicyManager>(
      'mfa-policy-manager',
      stubClient({
        'GET /accounts/acme/policy': { status: 200, body: policy },
        'GET /accounts/acme/members': { status: 200, body: members },
        'PUT /accounts/acme/policy': error(400, 'odd_error'),
      }),
      (e) => {
        e.accountId = 'acme';
      },
    );
    await expectShownAsText(el);
    button(el, 'Save').click();
    await until(() => $(el, '#message').textContent?.includes('<img'));
    await expectShownAsText(el);
  });
});
