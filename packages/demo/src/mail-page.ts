import type { Mfa } from '@mfakit/server-sdk';
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { HostStrings, Lang } from './host-strings.ts';
import type { Mailbox, SentMail } from './mailbox.ts';

/** How many messages the page shows, newest first. */
export const MAIL_SHOWN = 100;
/** How long the page waits for a delivery pass before it shows what is there. */
const DELIVERY_WAIT_MS = 2000;

export interface MailRouteOptions {
  mfa: Pick<Mfa, 'deliverEvents'>;
  mailbox: Mailbox;
  signedIn: (c: Context) => boolean;
  lang: (c: Context) => Lang;
  t: Record<Lang, HostStrings>;
  page: (
    c: Context,
    title: string,
    current: string,
    body: HtmlEscapedString | Promise<HtmlEscapedString>,
  ) => Response | Promise<Response>;
}

/**
 * The Mail page (`GET /mail`): the security notifications the SDK gave `notify`, newest
 * first, for an evaluator to read. Every signed-in user sees every message: an evaluation
 * tool, which says so; a real portal mails each one to its recipient and shows it nobody else.
 *
 * Delivery runs beside requests: a change's notification reaches `notify` moments after the
 * change was answered, never within its request. The page runs one delivery pass first
 * (`mfa.deliverEvents()`), so that it lists what was just done rather than asking for a
 * reload; a pass that fails or takes longer than 2 s leaves the page to list what is there
 * (the loop goes on delivering).
 */
export function mailRoute({ mfa, mailbox, signedIn, lang, t, page }: MailRouteOptions) {
  return async (c: Context): Promise<Response> => {
    if (!signedIn(c)) return c.redirect('/', 303);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      mfa.deliverEvents().catch(() => {}),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, DELIVERY_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    const s = t[lang(c)];
    return page(c, s.mail, 'mail', mailList(s, mailbox.list(MAIL_SHOWN)));
  };
}

/**
 * A message's HTML for its frame: links open in a new tab, outside the frame. The frame is
 * sandboxed (no script, an origin of its own): HTML from a template is never placed in the page.
 */
const framed = (document: string) =>
  /<head>/i.test(document)
    ? document.replace(/<head>/i, '<head><base target="_blank">')
    : `<base target="_blank">${document}`;

function mailList(t: HostStrings, mails: SentMail[]) {
  const when = new Intl.DateTimeFormat(t.dateLocale, { dateStyle: 'medium', timeStyle: 'short' });
  return html`<h1>${t.mailHeading}</h1>
    <p class="banner info">${t.mailIntro}</p>
    ${
      mails.length === 0
        ? html`<p class="card">${t.mailEmpty}</p>`
        : html`${mails.length === MAIL_SHOWN ? html`<p class="muted">${t.mailNewest(MAIL_SHOWN)}</p>` : ''}
          <ol class="mailbox" aria-label="${t.mailList}">
            ${mails.map(
              ({ message: m, sentAt }, i) => html`<li class="card mail">
                <article aria-labelledby="mail-${i}">
                  <h2 id="mail-${i}" lang="${m.locale}">${m.subject}</h2>
                  <dl class="mail-meta">
                    <div><dt>${t.mailTo}</dt><dd>${m.to.displayName} &lt;${m.to.email}&gt;</dd></div>
                    <div><dt>${t.mailSent}</dt><dd><time datetime="${sentAt.toISOString()}">${when.format(sentAt)}</time></dd></div>
                    <div><dt>${t.mailKind}</dt><dd><code>${m.kind}</code></dd></div>
                  </dl>
                  <iframe
                    sandbox="allow-popups allow-popups-to-escape-sandbox"
                    referrerpolicy="no-referrer"
                    title="${t.mailFrame(m.subject)}"
                    srcdoc="${framed(m.html)}"
                  ></iframe>
                  <details>
                    <summary>${t.mailText}</summary>
                    <pre lang="${m.locale}">${m.text}</pre>
                  </details>
                </article>
              </li>`,
            )}
          </ol>`
    }`;
}
