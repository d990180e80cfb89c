/**
 * Node's built-in SQLite (`node:sqlite`, unflagged from Node 22.13) as the
 * embedded store's database: nothing to install, nothing to compile. Its types
 * are declared here, by what the store uses, because the SDK supports Node 20,
 * whose types have no `node:sqlite`.
 */

type Value = null | number | bigint | string | Uint8Array;

/** What the store uses of a `node:sqlite` `StatementSync`. */
export interface NodeSqliteStatement {
  /** Node ≥ 22.16 and 23.11; absent before. */
  columns?(): unknown[];
  all(...values: Value[]): unknown[];
  get(...values: Value[]): unknown;
  run(...values: Value[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...values: Value[]): IterableIterator<unknown>;
}

/** What the store uses of a `node:sqlite` `DatabaseSync` (`new DatabaseSync(filename)`). */
export interface NodeSqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): NodeSqliteStatement;
  close(): void;
}

interface NodeSqliteModule {
  DatabaseSync: new (path: string) => NodeSqliteDatabase;
}

/**
 * `node:sqlite` when this runtime has it unflagged (Node ≥ 22.13, Deno), else
 * undefined. Asked of `process.getBuiltinModule`, so that no bundler or older
 * Node meets a static import of a module it does not know.
 */
export function builtinSqlite(): NodeSqliteModule | undefined {
  // Node 20.16 and later, Deno and Bun have getBuiltinModule; it answers undefined for a module they lack.
  const sqlite = process.getBuiltinModule?.('node:sqlite') as NodeSqliteModule | undefined;
  return typeof sqlite?.DatabaseSync === 'function' ? sqlite : undefined;
}

/** Before `columns()` (Node 22.13–22.15): the statements that answer rows, as Kysely compiles them. */
const ANSWERS_ROWS = /^\s*(select|with|pragma|values)\b|\breturning\b/i;

/**
 * A `node:sqlite` statement as Kysely's SQLite driver runs a better-sqlite3 one
 * (`reader`, and the values as one array), with `get` for the store's synchronous path.
 */
export function nodeSqliteStatement(database: NodeSqliteDatabase, sql: string) {
  const statement = database.prepare(sql);
  const values = (parameters: readonly unknown[]) => parameters as Value[];
  return {
    reader: statement.columns ? statement.columns().length > 0 : ANSWERS_ROWS.test(sql),
    all: (parameters: readonly unknown[]) => statement.all(...values(parameters)),
    get: (parameters: readonly unknown[]) => statement.get(...values(parameters)),
    run: (parameters: readonly unknown[]) => {
      const { changes, lastInsertRowid } = statement.run(...values(parameters));
      return { changes, lastInsertRowid };
    },
    iterate: (parameters: readonly unknown[]) => statement.iterate(...values(parameters)),
  };
}
