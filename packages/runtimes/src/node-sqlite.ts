import type { DatabaseSync } from 'node:sqlite';
import type { SqliteDatabase } from 'kysely';

/**
 * A `node:sqlite` database (Deno's and Node's built-in SQLite) as the database
 * Kysely's `SqliteDialect` drives (written for better-sqlite3): a statement is a
 * reader when it returns columns.
 */
export function nodeSqlite(database: DatabaseSync): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare(sql) {
      const statement = database.prepare(sql);
      type Values = Parameters<typeof statement.all>;
      return {
        reader: statement.columns().length > 0,
        all: (parameters) => statement.all(...(parameters as Values)),
        run: (parameters) => {
          const { changes, lastInsertRowid } = statement.run(...(parameters as Values));
          return { changes, lastInsertRowid };
        },
        iterate: (parameters) => statement.iterate(...(parameters as Values)),
      };
    },
  };
}
