import { createQueryId, type CompiledQuery, type Compilable, type Insertable, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { Database } from './schema.js';
import { dialectOf, type DialectName, type Executor } from './connection.js';
import { runDirect } from './direct.js';

/** What stands for argument `index` while a query is built and compiled the one time. */
class Slot {
  constructor(readonly index: number) {}
}

/**
 * A query of a fixed shape built and compiled by Kysely once per dialect, then run with new
 * arguments: building the operation tree and compiling it to SQL was a quarter of a payment's
 * CPU time (bench/profile), repeated for every statement of every request. `build` receives
 * placeholders for its arguments and must use them only as values (a `where`, a value to insert),
 * never to choose the query's shape (no `$if`, no list whose length varies) — that is what makes
 * the compiled text reusable. On SQLite it runs straight on the connection when it can (db/direct.ts).
 * `arity`: how many arguments follow the executor (a rest parameter's
 * function says 0). Runs on the database or a transaction alike.
 */
export function prepared<A extends unknown[], R>(build: (db: Executor, ...args: A) => Compilable<R> | RawBuilder<R>, arity = build.length - 1) {
  const compiled = new Map<DialectName, CompiledQuery<R>>();
  return async (db: Executor, ...args: A): Promise<R[]> => {
    const dialect = dialectOf(db);
    let template = compiled.get(dialect);
    if (!template) {
      const slots = Array.from({ length: arity }, (_, i) => new Slot(i)) as unknown as A;
      const query = build(db, ...slots);
      template = 'isRawBuilder' in query ? query.compile(db) : query.compile();
      compiled.set(dialect, template);
    }
    const parameters = template.parameters.map((p) => (p instanceof Slot ? args[p.index] : p));
    return executeCompiled(db, { ...template, parameters });
  };
}

/**
 * A compiled statement's rows: straight on the driver where it can (db/direct.ts), else Kysely's way.
 * For a statement whose shape varies (a multi-row insert) on the path of every command.
 */
export async function executeCompiled<R>(db: Executor, compiled: Omit<CompiledQuery<R>, 'queryId'>): Promise<R[]> {
  const rows = runDirect<R>(db, compiled.sql, compiled.parameters);
  if (rows) return rows;
  return (await db.executeQuery<R>({ ...compiled, queryId: createQueryId() })).rows;
}

/**
 * An INSERT of rows into `table` naming these columns, compiled once per number of rows (as
 * `prepared`; a command writes one to a few rows at a time): run it with rows holding them.
 * `returningAll`: the stored rows come back (ids, defaults).
 */
export function preparedInsertRows<T extends keyof Database, C extends keyof Insertable<Database[T]> & string>(
  table: T, columns: readonly C[], options: { returningAll?: boolean } = {},
) {
  const byCount = new Map<number, (db: Executor, ...values: unknown[]) => Promise<unknown[]>>();
  const compiledFor = (count: number) => prepared((db: Executor, ...values: unknown[]) => {
    const rows = Array.from({ length: count }, (_, r) => Object.fromEntries(columns.map((c, i) => [c, values[r * columns.length + i]])));
    const insert = (db as Kysely<any>).insertInto(table).values(rows);
    return options.returningAll ? insert.returningAll() : insert;
  }, columns.length * count);
  return (db: Executor, rows: ReadonlyArray<Pick<Insertable<Database[T]>, C>>) => {
    let run = byCount.get(rows.length);
    if (!run) byCount.set(rows.length, (run = compiledFor(rows.length)));
    return run(db, ...rows.flatMap((row) => columns.map((c) => row[c]))) as Promise<Array<Selectable<Database[T]>>>;
  };
}

/** An INSERT of one row (preparedInsertRows). */
export function preparedInsert<T extends keyof Database, C extends keyof Insertable<Database[T]> & string>(
  table: T, columns: readonly C[], options: { returningAll?: boolean } = {},
) {
  const insert = preparedInsertRows(table, columns, options);
  return (db: Executor, row: Pick<Insertable<Database[T]>, C>) => insert(db, [row]);
}
