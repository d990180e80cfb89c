/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and answers where the time went:
 * self time by component (the SDK's own files, each dependency, Node's
 * internals, garbage collection, idle) and the functions that took most.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function componentOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(program)') return '(program: native, not attributed)';
    return `(native) ${functionName}`;
  }
  const dependency = url.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (dependency) return dependency[1] as string;
  if (url.startsWith('node:')) return 'node: internals';
  const own = url.match(/server-sdk\/(src|bench)\/(.*)$/);
  if (own) return `${own[1]}/${own[2]}`;
  return url;
}

export function summariseProfile(file: string, top: number): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, k) => {
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0));
  });
  const busy = [...selfMicros].reduce(
    (sum, [id, micros]) => (byId.get(id)?.callFrame.functionName === '(idle)' ? sum : sum + micros),
    0,
  );
  const components = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const component = componentOf(node);
    components.set(component, (components.get(component) ?? 0) + micros);
    const where = component === 'node: internals' ? node.callFrame.url : component;
    const name = `${node.callFrame.functionName || '(anonymous)'} — ${where}:${node.callFrame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
  }
  const share = (micros: number) => `${((micros / busy) * 100).toFixed(1).padStart(5)}%`;
  const lines = [`  busy ${(busy / 1e6).toFixed(2)} s; self time by component:`];
  for (const [component, micros] of [...components].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`    ${share(micros)}  ${component}`);
  }
  lines.push('  functions with the most self time:');
  for (const [name, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`    ${share(micros)}  ${name}`);
  }
  return lines.join('\n');
}
