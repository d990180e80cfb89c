/**
 * The custom-elements manifest (custom-elements.json) that editors, Storybook
 * and framework wrappers read. It is generated from the elements' JSDoc
 * headers, never written by hand, and it is generated here before it is read,
 * so what is checked is what `pnpm manifest` and every pack produce. The CSS
 * parts and dispatched events are also read from the source: a part or event
 * an element has but its header does not document fails here.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Named {
  name: string;
  description?: string;
  type?: { text: string };
}
interface Declaration extends Named {
  kind: string;
  tagName?: string;
  customElement?: boolean;
  summary?: string;
  attributes?: (Named & { fieldName?: string })[];
  members?: (Named & { kind: string; privacy?: string; attribute?: string })[];
  events?: Named[];
  cssParts?: Named[];
  cssProperties?: Named[];
}
interface Manifest {
  schemaVersion: string;
  modules: { path: string; declarations?: Declaration[]; exports?: { kind: string; name: string }[] }[];
}

/** What a host page can use on each element, as DESIGN.md names it. */
const expected: Record<string, { folder: string; attributes: string[]; events: string[] }> = {
  'mfa-settings': {
    folder: 'mfa-settings',
    attributes: ['account-id', 'api-base', 'profile-url'],
    events: ['mfa-error', 'mfa-policy-change'],
  },
  'mfa-policy-manager': {
    folder: 'mfa-policy-manager',
    attributes: ['account-id', 'api-base', 'profile-url'],
    events: ['mfa-cancel', 'mfa-error', 'mfa-policy-change'],
  },
  'mfa-user-enroll': {
    folder: 'mfa-user-enroll',
    attributes: ['api-base', 'user-label'],
    events: [
      'mfa-credential-change',
      'mfa-device-forgotten',
      'mfa-enrolled',
      'mfa-error',
      'mfa-recovery-codes',
      'mfa-unenrolled',
    ],
  },
  'mfa-challenge': {
    folder: 'mfa-challenge',
    attributes: ['account-id', 'api-base', 'no-heading', 'reason', 'step-up'],
    events: ['mfa-error', 'mfa-verified'],
  },
  'mfa-audit-log': {
    folder: 'mfa-audit-log',
    attributes: ['account-id', 'api-base'],
    events: ['mfa-error'],
  },
  'mfa-members': {
    folder: 'mfa-members',
    attributes: ['account-id', 'api-base', 'search-delay'],
    events: ['mfa-error', 'mfa-member-reset'],
  },
  'mfa-nudge': {
    folder: 'mfa-nudge',
    attributes: ['account-id', 'api-base', 'profile-url'],
    events: ['mfa-error', 'mfa-nudge-snooze'],
  },
};

const source = (file: string) => readFileSync(join(root, 'src', file), 'utf8');
/** An element's code: its class and the modules beside it that it loads (not its styles or tests). */
const elementCode = (folder: string) =>
  readdirSync(join(root, 'src', folder))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.styles.ts'))
    .map((f) => source(`${folder}/${f}`))
    .join('\n');
const sharedStyles = source('styles/theme.ts') + source('styles/shared.ts');
/** The event classes, a module each. */
const eventsSource = readdirSync(join(root, 'src/events'))
  .map((f) => source(`events/${f}`))
  .join('\n');

/** The event name of each event class in src/events/ (`static readonly type = 'mfa-…'`). */
const eventNames = new Map(
  [...eventsSource.matchAll(/class (Mfa\w+Event)[\s\S]*?static readonly type = '([^']+)'/g)].map((m) => [
    m[1] as string,
    m[2] as string,
  ]),
);

let manifest: Manifest;
const elements = new Map<string, Declaration>();

beforeAll(() => {
  const result = spawnSync(
    join(root, 'node_modules/.bin/cem'),
    ['analyze', '--config', 'custom-elements-manifest.config.mjs'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  expect(result.status, result.stderr).toBe(0);
  manifest = JSON.parse(readFileSync(join(root, pkg.customElements), 'utf8'));
  for (const module of manifest.modules) {
    for (const declaration of module.declarations ?? []) {
      if (declaration.customElement && declaration.tagName) elements.set(declaration.tagName, declaration);
    }
  }
});

describe('custom-elements.json', () => {
  it("is the package's customElements, exported and packed", () => {
    expect(pkg.customElements).toBe('custom-elements.json');
    expect(pkg.exports['./custom-elements.json']).toBe('./custom-elements.json');
    expect(pkg.publishConfig.exports['./custom-elements.json']).toBe('./custom-elements.json');
    expect(pkg.files).toContain('custom-elements.json');
    expect(manifest.schemaVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('lists the elements, each defined by the module that ships it', () => {
    expect([...elements.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [tag, { folder }] of Object.entries(expected)) {
      const module = manifest.modules.find((m) => m.declarations?.includes(elements.get(tag)!));
      expect(module?.path).toBe(`dist/${folder}/${folder}.js`);
      expect(module?.exports).toContainEqual(
        expect.objectContaining({ kind: 'custom-element-definition', name: tag }),
      );
      expect(elements.get(tag)?.summary, tag).toBeTruthy();
    }
  });

  it.each(Object.keys(expected))('<%s>: its attributes and properties, each described', (tag) => {
    const element = elements.get(tag)!;
    const attributes = element.attributes ?? [];
    expect(attributes.map((a) => a.name).sort()).toEqual(expected[tag]!.attributes);
    const publicFields = (element.members ?? []).filter(
      (m) => m.kind === 'field' && (m.privacy ?? 'public') === 'public',
    );
    for (const attribute of attributes) {
      expect(attribute.description, attribute.name).toBeTruthy();
      expect(publicFields.map((f) => f.name)).toContain(attribute.fieldName);
    }
    // `strings` is a property only: an object cannot be an attribute.
    const strings = publicFields.find((f) => f.name === 'strings');
    expect(strings?.description).toMatch(/strings/);
    expect(strings?.type?.text).toContain('MfaStrings');
    expect(attributes.map((a) => a.fieldName)).not.toContain('strings');
    for (const field of publicFields) expect(field.description, `${tag}.${field.name}`).toBeTruthy();
  });

  it.each(Object.keys(expected))(
    '<%s>: its events, typed and described, and every one it dispatches',
    (tag) => {
      const element = elements.get(tag)!;
      const events = element.events ?? [];
      expect(events.map((e) => e.name).sort()).toEqual(expected[tag]!.events);
      for (const event of events) {
        expect(event.name).toMatch(/^mfa-[a-z-]+$/);
        expect(event.description, event.name).toBeTruthy();
        expect(eventNames.get(event.type?.text ?? ''), event.name).toBe(event.name);
      }
      const folder = expected[tag]!.folder;
      const dispatched = [...elementCode(folder).matchAll(/new (Mfa\w+Event)\(/g)].map((m) =>
        eventNames.get(m[1] as string),
      );
      for (const name of dispatched) expect(events.map((e) => e.name)).toContain(name);
    },
  );

  it.each(Object.keys(expected))('<%s>: exactly the CSS parts it renders', (tag) => {
    const folder = expected[tag]!.folder;
    const code = elementCode(folder);
    const rendered = new Set([...code.matchAll(/part="([\w-]+)"/g)].map((m) => m[1]));
    if (code.includes('renderPending(')) rendered.add('base'); // base.ts: the loading / error view
    if (code.includes('codeInput(')) rendered.add('input'); // code-input.ts
    const parts = elements.get(tag)!.cssParts ?? [];
    expect(parts.map((p) => p.name).sort()).toEqual([...rendered].sort());
    for (const part of parts) expect(part.description, part.name).toBeTruthy();
  });

  it.each(Object.keys(expected))('<%s>: custom properties that its styles read', (tag) => {
    const folder = expected[tag]!.folder;
    const styles = sharedStyles + source(`${folder}/${folder}.styles.ts`);
    const properties = elements.get(tag)!.cssProperties ?? [];
    expect(properties.map((p) => p.name)).toEqual(expect.arrayContaining(['--mfa-accent', '--mfa-font']));
    for (const property of properties) {
      expect(property.name).toMatch(/^--mfa-[a-z-]+$/);
      expect(styles, property.name).toContain(`var(${property.name}`);
      expect(property.description, property.name).toBeTruthy();
    }
  });
});
