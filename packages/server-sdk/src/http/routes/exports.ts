import { z } from 'zod';
import { auditCsv, membersCsv } from '../../admin/exports.ts';
import { memberStatuses } from '../../admin/members-page.ts';
import { defineRoute, type FileAnswer } from '../../core/endpoint.ts';
import { noQuery } from '../../core/endpoint-schemas.ts';
import { accountParams } from '../schemas.ts';

const csv = z.string();

/** The members list's filter and search, without paging: every member they select. */
const membersCsvQuery = z.strictObject({
  status: z.enum(memberStatuses).default('all'),
  q: z
    .string()
    .max(200)
    .transform((text) => text.trim())
    .optional(),
});

/** The compliance exports: the members list and the audit trail as CSV files, for auditors. */
export const exportRoutes = [
  defineRoute({
    method: 'GET',
    path: '/accounts/:accountId/members.csv',
    summary: "The account's members as a CSV file: the list's filter and search, every matching member",
    access: 'admin',
    params: accountParams,
    query: membersCsvQuery,
    response: csv,
    produces: 'text/csv',
    errors: [],
    run: async ({ ctx, params, query }): Promise<FileAnswer> => ({
      filename: `members-${params.accountId}.csv`,
      body: await membersCsv(ctx, params.accountId, query),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/accounts/:accountId/audit.csv',
    summary: "The account's audit trail as a CSV file, newest first",
    access: 'admin',
    params: accountParams,
    query: noQuery,
    response: csv,
    produces: 'text/csv',
    errors: [],
    run: async ({ ctx, params }): Promise<FileAnswer> => ({
      filename: `audit-${params.accountId}.csv`,
      body: await auditCsv(ctx, params.accountId),
    }),
  }),
];
