import { createQueryId, type CompiledQuery, type Compilable } from 'kysely';
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
export function prepared<A extends unknown[], R>(build: (db: Executor, ...args: A) => Compilable<R>, arity = build.length - 1) {
  const compiled = new Map<DialectName, CompiledQuery<R>>();
  return async (db: Executor, ...args: A): Promise<R[]> => {
    const dialect = dialectOf(db);
    let template = compiled.get(dialect);
    if (!template) {
      const slots = Array.from({ length: arity }, (_, i) => new Slot(i)) as unknown as A;
      template = build(db, ...slots).compile();
      compiled.set(dialect, template);
    }
    const parameters = template.parameters.map((p) => (p instanceof Slot ? args[p.index] : p));
    const rows = runDirect<R>(db, template.sql, parameters);
    if (rows) return rows;
    const result = await db.executeQuery<R>({ sql: template.sql, parameters, query: template.query, queryId: createQueryId() });
    return result.rows;
  };
}
