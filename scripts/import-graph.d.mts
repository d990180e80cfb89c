/** Every source file under `folder` (tests left out). */
export function sources(folder: string): string[];
/** Each file's imports of other files under `src` (with `types`, type-only ones too). */
export function importGraph(src: string, options?: { types?: boolean }): Map<string, string[]>;
/** The loops of `graph`, each as its files' paths relative to `src`, sorted. */
export function loops(graph: Map<string, string[]>, src: string): string[][];
