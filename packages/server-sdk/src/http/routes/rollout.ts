import { defineRoute, iso } from '../../core/endpoint.ts';
import { emptyBody, noParams, noQuery } from '../../core/endpoint-schemas.ts';
import { DEFAULT_NUDGE_SNOOZE_DAYS, nudgeFor, snoozeNudge } from '../../rollout/nudge.ts';
import { remindMembersNow } from '../../rollout/reminder-round.ts';
import * as responses from '../response-schemas.ts';
import { accountParams, nudgeQuery, nudgeSnoozeBody } from '../schemas.ts';
import type { NudgeResponse, NudgeSnoozeResponse, RemindersResponse } from '../types.ts';

/** Rolling MFA out: an administrator's reminders, and `<mfa-nudge>`'s suggestion to each user. */
export const rolloutRoutes = [
  defineRoute({
    method: 'POST',
    path: '/accounts/:accountId/reminders',
    summary: 'Remind the members without MFA now (at most once a day per account)',
    access: 'admin',
    params: accountParams,
    query: noQuery,
    body: emptyBody,
    response: responses.remindersResponse,
    errors: ['reminder_limit', 'nothing_to_remind'],
    run: async ({ ctx, params, principal }): Promise<RemindersResponse> => {
      const round = await remindMembersNow(ctx, params.accountId, principal.userId);
      return {
        reminded: round.reminded,
        sentAt: round.sentAt.toISOString(),
        nextAllowedAt: round.nextAllowedAt.toISOString(),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/me/nudge',
    summary: 'What <mfa-nudge> suggests to the caller now: setting up MFA, or a passkey (null: nothing)',
    access: 'user',
    params: noParams,
    query: nudgeQuery,
    response: responses.nudgeResponse,
    errors: ['not_member'],
    run: async ({ ctx, principal, query }): Promise<NudgeResponse> => {
      const nudge = await nudgeFor(ctx, principal, query.accountId);
      return {
        nudge: nudge && {
          kind: nudge.kind,
          accountId: nudge.accountId,
          enforceFrom: iso(nudge.enforceFrom),
          snoozesLeft: nudge.snoozesLeft,
        },
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/me/nudge/snooze',
    summary: '**Not now**: snooze the suggestion (at most three times)',
    access: 'user',
    params: noParams,
    query: noQuery,
    body: nudgeSnoozeBody,
    response: responses.nudgeSnoozeResponse,
    errors: ['snooze_limit'],
    run: async ({ ctx, principal, body }): Promise<NudgeSnoozeResponse> => {
      const days = ctx.options.nudgeSnoozeDays ?? DEFAULT_NUDGE_SNOOZE_DAYS;
      const snooze = await snoozeNudge(ctx, principal.userId, body.kind, days);
      return { snoozedUntil: snooze.snoozedUntil.toISOString(), snoozesLeft: snooze.snoozesLeft };
    },
  }),
];
