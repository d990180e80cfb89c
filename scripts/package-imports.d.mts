/**
 * What in the package at `dir` imports what it lacks: one line per import that
 * does not resolve; empty when all do (package-imports.mjs).
 */
export function unresolvedImports(
  dir: string,
  options?: { files?: string[]; selfContained?: string[] },
): string[];
