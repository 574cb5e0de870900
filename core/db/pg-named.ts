import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/** Distinct statement texts given a name; past this many, new texts run unnamed (parsed and planned per call). */
const MAX_NAMED = 300;
const DDL = /^\s*(?:create|alter|drop|truncate|comment|reindex)\b/i;

/**
 * Statements prepared once per connection (issue 21). node-postgres sends an unnamed statement with
 * every call, so the server parses and plans each of a payment's twenty statements every time; a
 * named one is parsed and planned once per connection and then only bound and executed (a quarter
 * of a payment's statement time on PostgreSQL, more for the data-modifying CTEs). Names are given by
 * statement text to statements with parameters (the query builder's; a text without parameters may
 * hold several statements, which a prepared statement cannot). A schema change (a migration) starts a
 * new generation of names, so no statement prepared against the old shape of a table is used again;
 * a change made by another process is noticed by the refusal it causes (isStalePlan), which also
 * starts a new generation, and a command meeting it is run again (db/command.ts).
 */
export function withNamedStatements(pool: pg.Pool): { pool: PostgresPool; query: (text: string, parameters: readonly unknown[]) => Promise<unknown[]> } {
  const names = new Map<string, string>();
  let generation = 0;
  const nameOf = (text: string): string | undefined => {
    const known = names.get(text);
    if (known !== undefined || names.size >= MAX_NAMED) return known;
    const name = `ub${generation}_${names.size}`;
    names.set(text, name);
    return name;
  };
  const forget = () => {
    names.clear();
    generation += 1;
  };
  const run = <R>(submit: (config: pg.QueryConfig) => Promise<R>, text: string, parameters: readonly unknown[]): Promise<R> | undefined => {
    const name = nameOf(text);
    if (!name) return undefined;
    return submit({ name, text, values: [...parameters] }).catch((error: unknown) => {
      // Another process changed the table's shape (a migration run beside this one): prepare anew.
      if (isStalePlan(error)) forget();
      throw error;
    });
  };
  return {
    pool: {
      async connect(): Promise<PostgresPoolClient> {
        const client = await pool.connect();
        return {
          query: ((text: unknown, parameters?: ReadonlyArray<unknown>) => {
            if (typeof text !== 'string') return client.query(text as pg.Submittable);
            if (DDL.test(text)) forget();
            else if (parameters && parameters.length > 0) {
              const named = run((config) => client.query(config), text, parameters);
              if (named) return named;
            }
            return client.query(text, parameters ? [...parameters] : undefined);
          }) as unknown as PostgresPoolClient['query'],
          release: (destroy?: boolean) => client.release(destroy),
        };
      },
      end: () => pool.end(),
    },
    /** One statement of the query builder's (with parameters) on any free connection of the pool. */
    query: async (text, parameters) => {
      const named = parameters.length > 0 ? run((config) => pool.query(config), text, parameters) : undefined;
      return (await (named ?? pool.query(text, [...parameters]))).rows;
    },
  };
}

/** PostgreSQL refused a prepared statement whose tables changed shape since it was planned. */
export function isStalePlan(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return typeof e === 'object' && e !== null && e.code === '0A000' && /cached plan must not change result type/.test(String(e.message));
}
