import { audit } from './strings/en-audit.ts';
import { challenge } from './strings/en-challenge.ts';
import { common } from './strings/en-common.ts';
import { enroll } from './strings/en-enroll.ts';
import { enrollPanels } from './strings/en-enroll-panels.ts';
import { members } from './strings/en-members.ts';
import { nudge } from './strings/en-nudge.ts';
import { policy } from './strings/en-policy.ts';
import type { MfaStrings } from './strings/mfa-strings.ts';

export type { MfaStrings };

/** English, every string: the defaults of all elements together. */
export const en: MfaStrings = {
  ...common,
  ...challenge,
  ...enroll,
  ...enrollPanels,
  ...policy,
  ...members,
  ...audit,
  ...nudge,
};
