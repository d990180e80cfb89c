/**
 * The elements take the API's model from the server SDK without its run time:
 * types through `import type` only (nothing of the SDK reaches the bundle or the
 * published package), and the two things the browser needs at run time, the policy
 * modes and whom each requires, as a copy in src/modes.ts that is held here, and
 * by its type, to the SDK's `@mfakit/server-sdk/model`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  policyRequires,
  type Role,
  allowedFactorsValues as sdkAllowedFactorsValues,
  policyModes as sdkPolicyModes,
} from '@mfakit/server-sdk/model';
import { describe, expect, it } from 'vitest';
import { allowedFactorsValues, policyModes, requires } from '../src/modes.ts';

const src = join(import.meta.dirname, '../src');
/** Every role: adding one to the SDK's `Role` fails the type check here. */
const roles = Object.keys({ admin: true, member: true } satisfies Record<Role, true>) as Role[];

describe("the elements' copy of the SDK's model", () => {
  it('lists the SDK’s policy modes, in its order', () => {
    expect(policyModes).toEqual(sdkPolicyModes);
  });

  it('lists the SDK’s accepted methods, in its order', () => {
    expect(allowedFactorsValues).toEqual(sdkAllowedFactorsValues);
  });

  it.each(sdkPolicyModes)('requires MFA of the same roles as the SDK under %s', (mode) => {
    for (const role of roles) expect(requires(mode, role), role).toBe(policyRequires(mode, role));
  });
});

describe('the SDK in the elements’ source', () => {
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );

  it('is imported for its types only', () => {
    const imports = files.flatMap((file) =>
      [
        ...readFileSync(join(src, file), 'utf8').matchAll(
          /^(import|export)\b[^;]*?from\s*'(@mfakit\/server-sdk[^']*)'/gms,
        ),
      ].map((m) => ({ file, statement: m[0] })),
    );
    expect(imports.length).toBeGreaterThan(0);
    for (const { file, statement } of imports) {
      // `import { type X }` would still load the module under verbatimModuleSyntax.
      expect(statement, file).toMatch(/^(import|export) type\b/);
    }
  });
});
