import { sql, type RawBuilder } from 'kysely';

/**
 * `column` lies at or below the unit whose materialized path is `prefix`. LIKE wildcards in ids
 * (`_` is allowed in a unit id) are escaped: unit `q_1` must not match `qa1`.
 */
export function underPath(column: string, prefix: string): RawBuilder<boolean> {
  const escaped = prefix.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  return sql<boolean>`${sql.ref(column)} like ${`${escaped}%`} escape '\\'`;
}
