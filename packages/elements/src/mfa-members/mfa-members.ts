import type { MemberResponse, MembersResponse } from '@mfakit/server-sdk';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { Loader, MfaElement, toApiError } from '../base.ts';
import type { MfaApiError } from '../client.ts';
import { MfaMemberResetEvent } from '../events.ts';
import { Announcer, focusAfterRender } from '../live.ts';
import { StepUp, verifyHere } from '../step-up.ts';
import { common } from '../strings/en-common.ts';
import { members as words } from '../strings/en-members.ts';
import { tokens } from '../styles/shared.ts';
import { styles } from './mfa-members.styles.ts';

type Status = 'all' | 'without_mfa' | 'overdue';
const statuses: Status[] = ['all', 'without_mfa', 'overdue'];
const countOf = { all: 'members', without_mfa: 'withoutMfa', overdue: 'overdue' } as const;

/** What the reset dialog is doing for its member. */
type Reset =
  | { step: 'confirm' | 'working' | 'step-up'; member: MemberResponse }
  | { step: 'error'; member: MemberResponse; error: MfaApiError };

/**
 * The account's members and their MFA, for its administrators: a table (name,
 * email, role, methods, and set up since / due by / overdue), the filters All /
 * Without MFA / Overdue with their counts, a search by name or email, **Load
 * more**, **Copy emails** of the members without MFA, under a requiring policy **Remind members
 * without MFA** (once a day per account: until then disabled, with when it is possible next;
 * "Reminded 5 members" is said) and when each member without MFA was last reminded, and **Reset MFA** per
 * member behind a confirmation that names them (with the step-up when the
 * administrator must verify again). **Export CSV**, a link, downloads what the list shows (its filter
 * and search, every page) as a spreadsheet. Under "Phishing-resistant only", where an app does not
 * count, the filter is **Without a passkey** and a member with only an app reads "App only —
 * needs a passkey". After **Load more** focus moves to the first new row and "Showing 100 of
 * 222" is said once. Stacked on a narrow screen, each value carries its column's name.
 *
 * @summary An account's members' MFA status, with reset.
 * @fires mfa-member-reset - A member's MFA was reset (`userId`).
 * @fires mfa-error - A request failed; the element shows the error too.
 * @csspart base - The section.
 * @csspart table - The members table.
 * @csspart dialog - The reset confirmation.
 * @csspart export - The **Export CSV** link.
 * @cssprop --mfa-accent - The colour of the selected filter.
 * @cssprop --mfa-danger - Overdue members and the reset button.
 * @cssprop --mfa-font - The font shorthand.
 */
export class MfaMembers extends MfaElement {
  static override properties: PropertyDeclarations = {
    accountId: { attribute: 'account-id' },
    searchDelay: { type: Number, attribute: 'search-delay' },
    status: { attribute: false },
    search: { attribute: false },
    more: { attribute: false },
    notice: { attribute: false },
    emails: { attribute: false },
    reset: { attribute: false },
    reminding: { attribute: false },
  };
  static override styles = [tokens, styles];
  protected override readonly defaults = { ...common, ...words };

  /** The account whose members are listed. */
  accountId = '';
  /** Milliseconds of quiet after typing before the search runs. */
  searchDelay = 300;

  private status: Status = 'all';
  private search = '';
  private more = false;
  private notice = '';
  private emails: string | null = null;
  private reset: Reset | null = null;
  private rows: MemberResponse[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The account accepts only passkeys and security keys: an app is no MFA here. */
  private strict = false;
  /** The policy requires MFA (or will, from its start date): members without it can be reminded. */
  private requiring = false;
  /** The account's reminders (from the members' answer, then from a reminder sent here). */
  private reminders: MembersResponse['reminders'] | null = null;
  private reminding = false;
  private readonly live = new Announcer(this);
  private readonly stepUp = new StepUp(this);

  private readonly page = new Loader<MembersResponse>(
    this,
    async () => {
      const [page, policy] = await Promise.all([
        this.client.getMembers(this.accountId, { status: this.status, q: this.search }),
        this.client.getPolicy(this.accountId).catch(() => null),
      ]);
      this.strict = policy?.allowedFactors === 'phishing_resistant';
      this.requiring = !!policy && policy.mode !== 'optional';
      return page;
    },
    (page) => {
      this.rows = page.members;
      this.reminders = page.reminders;
    },
    // A new policy moves deadlines.
    ['mfa-policy-change'],
  );

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('accountId') && this.accountId) void this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  /** Loads the first page again, with the current filter and search. */
  async refresh(): Promise<void> {
    await this.page.reload();
  }

  private filter(status: Status) {
    if (status === this.status) return;
    this.status = status;
    this.notice = '';
    void this.refresh();
  }

  private onSearch(e: Event) {
    const value = (e.target as HTMLInputElement).value.trim();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (value === this.search) return;
      this.search = value;
      this.notice = '';
      void this.refresh();
    }, this.searchDelay);
  }

  private async loadMore() {
    const load = this.page.value;
    if (load.status !== 'ready' || !load.data.nextCursor || this.more) return;
    this.more = true;
    try {
      const next = await this.client.getMembers(this.accountId, {
        status: this.status,
        q: this.search,
        cursor: load.data.nextCursor,
      });
      const first = this.rows.length;
      this.rows = [...this.rows, ...next.members];
      this.page.set(next);
      this.notice = '';
      this.live.say(this.t.membersShown(this.rows.length, this.total(next)));
      // The Load more button may be gone: focus goes on to the first new member.
      await focusAfterRender(this, `tbody tr:nth-child(${first + 1}) th`);
    } catch (err) {
      this.fail(toApiError(err));
    } finally {
      this.more = false;
    }
  }

  private total(page: MembersResponse) {
    return this.search ? this.rows.length + (page.nextCursor ? 1 : 0) : page.counts[countOf[this.status]];
  }

  private fail(error: MfaApiError) {
    this.notice = this.message(error);
    this.reportError(error);
  }

  private async copyEmails() {
    try {
      const without = await this.client.allMembers(this.accountId, { status: 'without_mfa' });
      const list = without.map((m) => m.email).filter(Boolean);
      const text = list.join(', ');
      try {
        await navigator.clipboard.writeText(text);
        this.emails = null;
      } catch {
        // No clipboard here (permissions, an insecure page): the addresses, selected, to copy by hand.
        this.emails = text;
        await this.updateComplete;
        this.renderRoot.querySelector('textarea')?.select();
      }
      this.notice = this.t.emailsCopied(list.length);
    } catch (err) {
      this.fail(toApiError(err));
    }
  }

  /**
   * Reminds every member without MFA whom the policy requires it of (once a day per account):
   * "Reminded 5 members" is said, and the button waits for the next day, with its note in focus.
   */
  private async remind() {
    if (this.reminding) return;
    this.reminding = true;
    try {
      const sent = await this.client.remindMembers(this.accountId);
      this.reminders = { lastSentAt: sent.sentAt, nextAllowedAt: sent.nextAllowedAt };
      this.notice = '';
      this.live.say(this.t.reminded(sent.reminded));
      void this.page.reload({ quiet: true }); // each member's "Last reminded"
    } catch (err) {
      const error = toApiError(err);
      // Another administrator reminded them meanwhile: when the next is allowed, from the answer.
      if (error.nextAllowedAt)
        this.reminders = { lastSentAt: null, ...this.reminders, nextAllowedAt: error.nextAllowedAt };
      this.fail(error);
    } finally {
      this.reminding = false;
    }
    await focusAfterRender(this, '#remind:enabled', '#remind-note');
  }

  /** **Remind members without MFA**, under a requiring policy; while it must wait, when it may be sent again. */
  private renderRemind() {
    if (!this.requiring) return nothing;
    const next = this.reminders?.nextAllowedAt;
    const waiting = !!next && Date.parse(next) > Date.now();
    return html`<button id="remind" type="button" ?disabled=${waiting || this.reminding} aria-describedby=${waiting ? 'remind-note' : nothing} @click=${this.remind}>${this.t.remindMembers}</button>${
      waiting
        ? html`<small id="remind-note" class="muted" tabindex="-1">${this.t.remindNext(this.formatDate(next, true))}</small>`
        : nothing
    }`;
  }

  private async confirmReset(member: MemberResponse) {
    this.reset = { step: 'confirm', member };
    await this.updateComplete;
    this.dialog?.showModal();
  }

  private async doReset() {
    const reset = this.reset;
    if (!reset || reset.step === 'working') return;
    const { member } = reset;
    this.reset = { step: 'working', member };
    try {
      await this.client.resetMember(this.accountId, member.userId);
      this.reset = null; // closing now leaves the focus to the refreshed list
      this.dialog?.close();
      this.notice = this.t.resetDone(member.displayName);
      this.dispatchEvent(new MfaMemberResetEvent(member.userId));
      await this.refresh();
      await this.updateComplete;
      this.focusRow(member);
    } catch (err) {
      const error = toApiError(err);
      if (error.code === 'step_up_required') {
        this.reset = { step: 'step-up', member };
        await this.stepUp.focus();
        return;
      }
      this.reset = { step: 'error', member, error };
      this.reportError(error);
    }
  }

  private onDialogClose() {
    const member = this.reset?.member;
    this.reset = null;
    if (member) this.focusRow(member);
  }

  /** Focus back on the member's Reset button, or on the heading when it is gone. */
  private focusRow(member: MemberResponse) {
    const button = this.renderRoot.querySelector<HTMLButtonElement>(
      `button[data-user="${CSS.escape(member.userId)}"]`,
    );
    (button ?? this.renderRoot.querySelector<HTMLElement>('h2'))?.focus();
  }

  private statusOf(m: MemberResponse) {
    const t = this.t;
    const reset = m.resetAt;
    const accepted = this.strict ? m.methods.includes('webauthn') : m.enrolled;
    // A reset forfeited the grace period: its deadline is the reset itself.
    if (reset && !accepted)
      return html`<span class="overdue">${t.memberReset(this.formatDate(reset))}</span>`;
    if (m.enrolled && !accepted && !m.deadline) return t.memberAppOnly;
    if (m.overdue && m.deadline)
      return html`<span class="overdue">${t.memberOverdue(this.formatDate(m.deadline))}</span>`;
    if (m.deadline) return t.memberDue(this.formatDate(m.deadline));
    if (m.enrolled && m.enrolledAt) return t.memberSince(this.formatDate(m.enrolledAt));
    return t.memberNone;
  }

  /** The status, and for a member without an accepted method when they were last reminded. */
  private statusCell(m: MemberResponse) {
    const accepted = this.strict ? m.methods.includes('webauthn') : m.enrolled;
    return html`${this.statusOf(m)}${
      m.lastRemindedAt && !accepted
        ? html`<small class="muted reminded">${this.t.memberReminded(this.formatDate(m.lastRemindedAt))}</small>`
        : nothing
    }`;
  }

  private renderRow(m: MemberResponse) {
    const t = this.t;
    const methods = m.methods.map((method) => t.memberMethods[method]).join(', ') || '—';
    const reset = m.enrolled
      ? html`<button type="button" data-user=${m.userId} aria-haspopup="dialog" aria-label=${`${t.resetMfa}: ${m.displayName}`} @click=${() => this.confirmReset(m)}>${t.resetMfa}</button>`
      : nothing;
    const c = t.memberColumns;
    // The column's name, shown only when the table is stacked (screen readers have the header).
    const label = (name: string) => html`<span class="cell-label" aria-hidden="true">${name}</span>`;
    return html`<tr><th scope="row" tabindex="-1">${m.displayName}</th><td class="email">${label(c.email)}${m.email}</td><td>${label(c.role)}${t.memberRoles[m.role]}</td><td>${label(c.methods)}${methods}</td><td>${label(c.status)}${this.statusCell(m)}</td><td>${reset}</td></tr>`;
  }

  private renderDialog() {
    const t = this.t;
    const reset = this.reset;
    if (!reset) return html`<dialog part="dialog"></dialog>`;
    const name = reset.member.displayName;
    const shared = reset.step === 'error' && reset.error.code === 'shared_member';
    const error =
      reset.step === 'error'
        ? html`<p class="error" role="alert">${shared ? t.resetShared(name) : this.message(reset.error)}</p>`
        : nothing;
    const confirm =
      shared || reset.step === 'step-up'
        ? nothing
        : html`<button type="button" class="danger" ?disabled=${reset.step === 'working'} @click=${this.doReset}>${t.resetMfa}</button>`;
    return html`<dialog part="dialog" aria-labelledby="reset-title" aria-describedby="reset-text" @close=${this.onDialogClose}>
<h2 id="reset-title">${t.resetTitle(name)}</h2><p id="reset-text">${t.resetExplain(name)}</p>
${reset.step === 'step-up' ? this.stepUp.render(() => void this.doReset(), this.t.stepUp, this.accountId) : nothing}${error}
<div class="actions">${confirm}<button type="button" autofocus @click=${() => this.dialog?.close()}>${shared ? t.close : t.cancel}</button></div>
</dialog>`;
  }

  override render() {
    const t = this.t;
    const load = this.page.value;
    const data = load.status === 'ready' ? load.data : null;
    const filters = statuses.map(
      (s) =>
        html`<button type="button" aria-pressed=${s === this.status} @click=${() => this.filter(s)}>${s === 'without_mfa' && this.strict ? t.memberFilterWithoutPasskey : t.memberFilters[s]}${data ? ` (${data.counts[countOf[s]]})` : ''}</button>`,
    );
    const emails =
      this.emails === null
        ? nothing
        : html`<label for="emails">${t.emailsToCopy}</label><textarea id="emails" readonly rows="3">${this.emails}</textarea>`;
    return html`<section part="base" aria-labelledby="title">
<h2 id="title" tabindex="-1">${t.membersTitle}</h2>
<div class="bar"><div class="filters" role="group" aria-label=${t.membersFilter}>${filters}</div>
<div class="search"><label for="search">${t.membersSearch} <small class="muted">${t.membersSearchHint}</small></label><input id="search" type="search" autocomplete="off" @input=${this.onSearch}></div>
<button type="button" ?disabled=${!data?.counts.withoutMfa} @click=${this.copyEmails}>${t.copyEmails}</button>${this.renderRemind()}${
      data
        ? html`<a class="link" part="export" download href=${this.client.csvUrl(this.accountId, 'members', { status: this.status, q: this.search })}>${t.exportCsv}</a>`
        : nothing
    }</div>
${emails}<p role="status" class="muted">${this.notice}</p>
${data ? this.renderTable(data) : this.renderPending(this.page, () => verifyHere(this.stepUp, this.page, this.accountId, this.t.verifyHere))}
</section>${this.renderDialog()}${this.live.render()}`;
  }

  private renderTable(data: MembersResponse) {
    const t = this.t;
    if (this.rows.length === 0) return html`<p>${t.membersEmpty}</p>`;
    const c = t.memberColumns;
    const head = (['name', 'email', 'role', 'methods', 'status'] as const).map(
      (k) => html`<th scope="col">${c[k]}</th>`,
    );
    const more = data.nextCursor
      ? html`<div class="actions"><button type="button" ?disabled=${this.more} @click=${this.loadMore}>${t.loadMore}</button><span class="muted">${t.membersShown(this.rows.length, this.total(data))}</span></div>`
      : nothing;
    return html`<table part="table" aria-labelledby="title">
<thead><tr>${head}<th scope="col"><span class="visually-hidden">${c.actions}</span></th></tr></thead>
<tbody>${this.rows.map((m) => this.renderRow(m))}</tbody>
</table>${more}`;
  }
}

customElements.define('mfa-members', MfaMembers);

declare global {
  interface HTMLElementTagNameMap {
    'mfa-members': MfaMembers;
  }
}
