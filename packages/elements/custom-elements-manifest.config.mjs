// The custom-elements manifest (custom-elements.json), generated from the
// elements' JSDoc headers: `pnpm manifest`, and before every pack. It describes
// the published package, so module paths name the built files in dist/.

/** `src/mfa-settings/mfa-settings.ts` → `dist/mfa-settings/mfa-settings.js` */
const built = (path) => path.replace(/^\/?src\//, 'dist/').replace(/\.ts$/, '.js');

/**
 * The analyzer takes `dispatchEvent(new MfaVerifiedEvent(result))` for an event
 * named after the constructor's first argument. The names are the `@fires` tags
 * (checked by test/manifest.node.test.ts); each gets its class from the event's
 * static `type` in events.ts.
 */
function mfaEvents() {
  return {
    name: 'mfakit-events',
    packageLinkPhase({ customElementsManifest }) {
      const classOf = new Map();
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          const type = declaration.members?.find((m) => m.static && m.name === 'type');
          if (type?.default) classOf.set(type.default.replace(/['"]/g, ''), declaration.name);
        }
      }
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (!declaration.events) continue;
          declaration.events = declaration.events
            .filter((event) => event.name?.startsWith('mfa-'))
            .map((event) =>
              classOf.has(event.name) ? { ...event, type: { text: classOf.get(event.name) } } : event,
            );
        }
      }
    },
  };
}

function builtPaths() {
  return {
    name: 'mfakit-built-paths',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        module.path = built(module.path);
        for (const entry of module.exports ?? []) {
          if (entry.declaration?.module) entry.declaration.module = built(entry.declaration.module);
        }
        for (const declaration of module.declarations ?? []) {
          for (const item of [
            declaration.superclass,
            ...(declaration.members ?? []),
            ...(declaration.attributes ?? []),
          ]) {
            const from = item?.inheritedFrom ?? item;
            if (from?.module) from.module = built(from.module);
          }
        }
      }
    },
  };
}

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.styles.ts', 'src/styles/**'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [mfaEvents(), builtPaths()],
};
