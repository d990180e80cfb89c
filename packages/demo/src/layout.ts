import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { accounts, type DemoUser, membershipsOf, users } from './directory.ts';
import { hostStrings, type Lang } from './host-strings.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The built script and stylesheet of the portal, from Vite's manifest (none before a build). */
export function readAssets(distDir: string): { js: string[]; css: string[] } {
  const manifestFile = join(distDir, '.vite', 'manifest.json');
  if (!existsSync(manifestFile)) return { js: [], css: [] };
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<
    string,
    { file: string; css?: string[]; isEntry?: boolean }
  >;
  const entry = Object.values(manifest).find((chunk) => chunk.isEntry);
  return entry ? { js: [`/${entry.file}`], css: (entry.css ?? []).map((f) => `/${f}`) } : { js: [], css: [] };
}

export interface PageContext {
  title: string;
  user: DemoUser | undefined;
  viaSso: string | undefined;
  /** Which nav entry is current: `home`, `profile`, `mail`, or an account id with its page. */
  current: string;
  assets: { js: string[]; css: string[] };
  reloadOnVerified?: boolean;
  /** The language chosen in the top bar: the portal's words, and the elements'. */
  lang: Lang;
}

export function layout(page: PageContext, body: Html) {
  const { user, viaSso, current, lang } = page;
  const t = hostStrings[lang];
  const mine = user ? membershipsOf(user.id) : [];
  const ssoChoices = accounts.filter((a) => a.sso && user && a.members[user.id]);
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title} · ${t.portal}</title>
        <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='4' fill='%235b3cc4'/%3E%3C/svg%3E" />
        ${page.assets.css.map((href) => html`<link rel="stylesheet" href="${href}" />`)}
        ${page.assets.js.map((src) => html`<script type="module" src="${src}"></script>`)}
      </head>
      <body data-reload-on-verified="${page.reloadOnVerified ? 'true' : 'false'}" data-lang="${lang}">
        <header class="topbar">
          <a class="logo" href="/">${t.portal}</a>
          <nav aria-label="${t.mainNav}">
            <a href="/" aria-current="${current === 'home' ? 'page' : 'false'}">${t.home}</a>
            ${user ? html`<a href="/profile" aria-current="${current === 'profile' ? 'page' : 'false'}">${t.profile}</a>` : ''}
            ${user ? html`<a href="/mail" aria-current="${current === 'mail' ? 'page' : 'false'}">${t.mail}</a>` : ''}
          </nav>
          <div class="language" role="group" aria-label="${t.language}">
            <button type="button" data-lang="en" lang="en" title="English" aria-pressed="${lang === 'en'}">EN</button>
            <button type="button" data-lang="de" lang="de" title="Deutsch" aria-pressed="${lang === 'de'}">DE</button>
          </div>
          <form class="switcher" method="post" action="/session" aria-label="${t.signIn}">
            <label
              >${t.signedInAs}
              <select name="user" aria-label="${t.user}">
                <option value="" ${user ? '' : 'selected'}>${t.nobody}</option>
                ${users.map((u) => html`<option value="${u.id}" ${u.id === user?.id ? 'selected' : ''}>${u.displayName}</option>`)}
                ${
                  // Someone of the directory who is not in the list (Globex's staff): named, not "Nobody".
                  user && !users.includes(user)
                    ? html`<option value="${user.id}" selected>${user.displayName}</option>`
                    : ''
                }
              </select></label
            >
            <label
              >${t.via}
              <select name="sso" aria-label="${t.signInMethod}">
                <option value="">${t.password}</option>
                ${accounts
                  .filter((a) => a.sso)
                  .map(
                    (a) =>
                      html`<option value="${a.id}" ${viaSso === a.id ? 'selected' : ''}>${t.ssoOption(a.name, a.sso ?? '')}</option>`,
                  )}
              </select></label
            >
            <button type="submit">${t.signIn}</button>
            ${viaSso ? html`<span class="badge">SSO</span>` : ''}
          </form>
          ${
            user
              ? html`<form class="sign-out" method="post" action="/session">
                  <input type="hidden" name="user" value="" />
                  <button type="submit">${t.signOut}</button>
                </form>`
              : ''
          }
        </header>
        <div class="layout">
          <aside class="sidebar">
            ${
              user
                ? html`<h2>${t.accounts}</h2>
                  <ul>
                    ${mine.map(
                      (m) => html`<li>
                          <a href="/accounts/${m.accountId}" aria-current="${current === `${m.accountId}:overview` ? 'page' : 'false'}"
                            >${m.accountName}</a
                          >
                        </li>
                        <li>
                          <a
                            href="/accounts/${m.accountId}/settings"
                            aria-current="${current === `${m.accountId}:settings` ? 'page' : 'false'}"
                            >${t.accountSettings(m.accountName)}</a
                          >
                        </li>`,
                    )}
                  </ul>
                  <h2>${t.you}</h2>
                  <ul>
                    <li><a href="/profile" aria-current="${current === 'profile' ? 'page' : 'false'}">${t.profileAndSecurity}</a></li>
                  </ul>
                  <p class="muted">${ssoChoices.length ? t.yourSsoAccounts : ''}${ssoChoices.map((a) => a.name).join(', ')}</p>`
                : html`<p class="muted">${t.chooseUser}</p>`
            }
          </aside>
          <main id="main">${body}</main>
        </div>
      </body>
    </html>`;
}
