/**
 * The compliance exports: `members.csv` (the members list's filter and search, every matching
 * member) and `audit.csv`, for administrators who pass the access decision, safe for
 * spreadsheets, UTF-8 with a byte-order mark.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, defaultDirectory, expectError, type Harness, storeFactories } from '../support.ts';

/** The file's text, its byte-order mark kept, as rows of cells (no cell here holds a line break). */
async function csvOf(res: Response) {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
  return { text, rows: text.slice(1).split('\r\n').filter(Boolean) };
}

describe.each(storeFactories)('exports on the %s store', (_name, makeStore) => {
  let h: Harness;
  afterEach(async () => {
    await h.mfa.close();
  });

  /** acme with a member whose name and email a spreadsheet would run as formulas. */
  const portal = async () => {
    const dir = defaultDirectory();
    dir.users.eve = { email: '@evil.example', displayName: '=HYPERLINK("http://evil.example","Eve")' };
    (dir.memberships.acme as Record<string, 'member'>).eve = 'member';
    h = createHarness({ store: makeStore() }, dir);
    await h.enroll('ada');
    await h.enroll('max');
    const put = await h.json('PUT', '/mfa/accounts/acme/policy', {
      as: 'ada',
      body: { mode: 'required_all' },
    });
    expect(put.status).toBe(200);
    // Sam and Eve have their grace periods begun.
    await h.json('GET', '/mfa/accounts/acme/access', { as: 'sam' });
    await h.json('GET', '/mfa/accounts/acme/access', { as: 'eve' });
  };

  it('members.csv: every member by name, as an attachment, UTF-8 with a byte-order mark', async () => {
    await portal();
    const res = await h.request('GET', '/mfa/accounts/acme/members.csv', { as: 'ada' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="members-acme.csv"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { text, rows } = await csvOf(res);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(rows[0]).toBe('Name,Email,Role,MFA,Methods,Set up on,Deadline,Overdue,Last reminded,User ID');
    // By display name, lower-cased: "=hyperlink…" sorts first.
    expect(rows.slice(1).map((r) => r.split(',').at(-1))).toEqual(['eve', 'ada', 'max', 'sam']);
    expect(rows[2]).toMatch(/^Ada Admin,ada@acme\.test,admin,yes,totp,\d{4}-\d\d-\d\dT[^,]+,,no,,ada$/);
    expect(rows[4]).toMatch(/^Sam Shared,sam@both\.test,member,no,,,\d{4}-[^,]+,no,,sam$/);
  });

  it('members.csv neutralises cells a spreadsheet would run as formulas', async () => {
    await portal();
    const { rows } = await csvOf(await h.request('GET', '/mfa/accounts/acme/members.csv', { as: 'ada' }));
    expect(rows[1]).toMatch(
      /^"'=HYPERLINK\(""http:\/\/evil\.example"",""Eve""\)",'@evil\.example,member,no,/,
    );
  });

  it("members.csv follows the list's filter and search", async () => {
    await portal();
    const ids = async (query: string) =>
      (await csvOf(await h.request('GET', `/mfa/accounts/acme/members.csv${query}`, { as: 'ada' }))).rows
        .slice(1)
        .map((r) => r.split(',').at(-1));
    expect(await ids('?status=without_mfa')).toEqual(['eve', 'sam']);
    expect(await ids('?status=without_mfa&q=SHARED')).toEqual(['sam']);
    expect(await ids('?q=acme.test')).toEqual(['ada', 'max']);
    expect(await ids('?status=overdue')).toEqual([]);
    h.advance(8 * 86_400);
    await h.verify('ada');
    expect(await ids('?status=overdue')).toEqual(['eve', 'sam']);
    expectError(
      await h.json('GET', '/mfa/accounts/acme/members.csv?status=lost', { as: 'ada' }),
      'invalid_request',
    );
    expectError(
      await h.json('GET', '/mfa/accounts/acme/members.csv?cursor=x', { as: 'ada' }),
      'invalid_request',
    );
  });

  it('audit.csv: the account trail, newest first, names beside ids', async () => {
    await portal();
    const res = await h.request('GET', '/mfa/accounts/acme/audit.csv', { as: 'ada' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="audit-acme.csv"');
    const { rows } = await csvOf(res);
    expect(rows[0]).toBe('Time,Event,Actor,Actor ID,Member,Member ID,Before,After');
    const types = rows.slice(1).map((r) => r.split(',')[1]);
    expect(types).toEqual(['policy.updated', 'mfa.enrolled', 'mfa.enrolled']);
    expect(rows[1]).toContain(',policy.updated,Ada Admin,ada,,,"{""mode"":""optional""');
  });

  it('is for administrators who pass the access decision, answered as JSON errors', async () => {
    await portal();
    expectError(await h.json('GET', '/mfa/accounts/acme/members.csv', { as: 'max' }), 'not_admin');
    expectError(await h.json('GET', '/mfa/accounts/acme/audit.csv', { as: 'max' }), 'not_admin');
    expectError(await h.json('GET', '/mfa/accounts/acme/members.csv', { as: 'cleo' }), 'not_member');
    expectError(await h.json('GET', '/mfa/accounts/acme/members.csv'), 'unauthenticated');
    // Ada in a session that never verified: challenged, as the guard would.
    expectError(
      await h.json('GET', '/mfa/accounts/acme/audit.csv', { as: 'ada', session: 'ada-elsewhere' }),
      'challenge_required',
    );
  });
});
