import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { accounts, type DemoUser, membershipsOf, users } from './directory.ts';

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
  /** Which nav entry is current: `profile`, or an account id with its page. */
  current: string;
  assets: { js: string[]; css: string[] };
  reloadOnVerified?: boolean;
}

export function layout(page: PageContext, body: Html) {
  const { user, viaSso, current } = page;
  const mine = user ? membershipsOf(user.id) : [];
  const ssoChoices = accounts.filter((a) => a.sso && user && a.members[user.id]);
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title} · Partner Portal</title>
        <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='4' fill='%235b3cc4'/%3E%3C/svg%3E" />
        ${page.assets.css.map((href) => html`<link rel="stylesheet" href="${href}" />`)}
        ${page.assets.js.map((src) => html`<script type="module" src="${src}"></script>`)}
      </head>
      <body data-reload-on-verified="${page.reloadOnVerified ? 'true' : 'false'}">
        <header class="topbar">
          <a class="logo" href="/">Partner Portal</a>
          <nav aria-label="Main">
            <a href="/" aria-current="${current === 'home' ? 'page' : 'false'}">Home</a>
            ${user ? html`<a href="/profile" aria-current="${current === 'profile' ? 'page' : 'false'}">Profile</a>` : ''}
          </nav>
          <div class="language" role="group" aria-label="Language of the MFA settings">
            <button type="button" data-lang="en" lang="en" title="English" aria-pressed="true">EN</button>
            <button type="button" data-lang="de" lang="de" title="Deutsch" aria-pressed="false">DE</button>
          </div>
          <form class="switcher" method="post" action="/session" aria-label="Sign in as">
            <label
              >Signed in as
              <select name="user" aria-label="User">
                ${user ? '' : html`<option value="" selected>Nobody</option>`}
                ${users.map((u) => html`<option value="${u.id}" ${u.id === user?.id ? 'selected' : ''}>${u.displayName}</option>`)}
              </select></label
            >
            <label
              >via
              <select name="sso" aria-label="Sign-in method">
                <option value="">Password</option>
                ${accounts
                  .filter((a) => a.sso)
                  .map(
                    (a) =>
                      html`<option value="${a.id}" ${viaSso === a.id ? 'selected' : ''}>${a.name} SSO (${a.sso})</option>`,
                  )}
              </select></label
            >
            <button type="submit">Sign in</button>
            ${viaSso ? html`<span class="badge">SSO</span>` : ''}
          </form>
        </header>
        <div class="layout">
          <aside class="sidebar">
            ${
              user
                ? html`<h2>Accounts</h2>
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
                            >${m.accountName} settings</a
                          >
                        </li>`,
                    )}
                  </ul>
                  <h2>You</h2>
                  <ul>
                    <li><a href="/profile" aria-current="${current === 'profile' ? 'page' : 'false'}">Profile &amp; security</a></li>
                  </ul>
                  <p class="muted">${ssoChoices.length ? 'Your accounts with SSO: ' : ''}${ssoChoices.map((a) => a.name).join(', ')}</p>`
                : html`<p class="muted">Choose a user above to sign in.</p>`
            }
          </aside>
          <main id="main">${body}</main>
        </div>
      </body>
    </html>`;
}
