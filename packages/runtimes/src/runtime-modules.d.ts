// The few declarations of Bun's and Deno's own modules that the entries use: the packages that
// bring their full types (bun-types, Deno's lib) redefine Node's globals, which the tests use too.

declare module 'bun:sqlite' {
  export class Database {
    constructor(filename?: string);
    close(): void;
  }
}

/** Node's built-in SQLite as Deno provides it (Node 22.5+; the Node 20 types lack it). */
declare module 'node:sqlite' {
  type Value = null | number | bigint | string | Uint8Array;
  export class StatementSync {
    columns(): unknown[];
    all(...values: Value[]): unknown[];
    run(...values: Value[]): { changes: number | bigint; lastInsertRowid: number | bigint };
    iterate(...values: Value[]): IterableIterator<unknown>;
  }
  export class DatabaseSync {
    constructor(path: string);
    prepare(sql: string): StatementSync;
    close(): void;
  }
}
