import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../connection.js';

/**
 * What each plugin stores in each unit, kept as it changes (issue 21: cost grows with work, not with
 * history). The storage quota was checked on every `storage.put` by counting and summing all the
 * plugin's documents in the unit, a cost that grew with every document it ever kept. The figures are
 * kept by triggers on plugin_docs, so every writer — the host's put and delete, an uninstall's purge,
 * a test or a repair writing rows by hand — keeps them exact; a restore loads the rows before
 * PostgreSQL's dump creates its triggers, and SQLite's backup is the file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('plugin_storage_usage')
    .addColumn('plugin_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('docs', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('plugin_storage_usage_pk', ['plugin_id', 'unit_id'])
    .execute();
  await sql`insert into plugin_storage_usage (plugin_id, unit_id, docs, bytes)
    select plugin_id, unit_id, count(*), coalesce(sum(bytes), 0) from plugin_docs group by plugin_id, unit_id`.execute(db);

  if (dialectOf(db) === 'postgres') {
    await sql`create function plugin_docs_usage() returns trigger language plpgsql as $$
      begin
        -- A document rewritten in place (every put of an existing id) changes at most its size: one statement, or none.
        if tg_op = 'UPDATE' and new.plugin_id = old.plugin_id and new.unit_id = old.unit_id then
          if new.bytes <> old.bytes then
            update plugin_storage_usage set bytes = bytes + new.bytes - old.bytes where plugin_id = new.plugin_id and unit_id = new.unit_id;
          end if;
          return null;
        end if;
        if tg_op in ('UPDATE', 'DELETE') then
          update plugin_storage_usage set docs = docs - 1, bytes = bytes - old.bytes where plugin_id = old.plugin_id and unit_id = old.unit_id;
        end if;
        if tg_op in ('INSERT', 'UPDATE') then
          insert into plugin_storage_usage (plugin_id, unit_id, docs, bytes) values (new.plugin_id, new.unit_id, 1, new.bytes)
            on conflict (plugin_id, unit_id) do update set docs = plugin_storage_usage.docs + 1, bytes = plugin_storage_usage.bytes + excluded.bytes;
        end if;
        return null;
      end $$`.execute(db);
    await sql`create trigger plugin_docs_usage after insert or delete or update of plugin_id, unit_id, bytes on plugin_docs
      for each row execute function plugin_docs_usage()`.execute(db);
    return;
  }
  await sql`create trigger plugin_docs_usage_insert after insert on plugin_docs begin
      insert into plugin_storage_usage (plugin_id, unit_id, docs, bytes) values (new.plugin_id, new.unit_id, 1, new.bytes)
        on conflict (plugin_id, unit_id) do update set docs = docs + 1, bytes = bytes + excluded.bytes;
    end`.execute(db);
  await sql`create trigger plugin_docs_usage_delete after delete on plugin_docs begin
      update plugin_storage_usage set docs = docs - 1, bytes = bytes - old.bytes where plugin_id = old.plugin_id and unit_id = old.unit_id;
    end`.execute(db);
  // A document rewritten in place (every put of an existing id) changes at most its size.
  await sql`create trigger plugin_docs_usage_resize after update of bytes on plugin_docs
    when old.plugin_id = new.plugin_id and old.unit_id = new.unit_id and old.bytes <> new.bytes begin
      update plugin_storage_usage set bytes = bytes + new.bytes - old.bytes where plugin_id = new.plugin_id and unit_id = new.unit_id;
    end`.execute(db);
  // A row moved to another owner (no writer does this today) takes its figures along.
  await sql`create trigger plugin_docs_usage_move after update of plugin_id, unit_id on plugin_docs
    when old.plugin_id <> new.plugin_id or old.unit_id <> new.unit_id begin
      update plugin_storage_usage set docs = docs - 1, bytes = bytes - old.bytes where plugin_id = old.plugin_id and unit_id = old.unit_id;
      insert into plugin_storage_usage (plugin_id, unit_id, docs, bytes) values (new.plugin_id, new.unit_id, 1, new.bytes)
        on conflict (plugin_id, unit_id) do update set docs = docs + 1, bytes = bytes + excluded.bytes;
    end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql`drop trigger if exists plugin_docs_usage on plugin_docs`.execute(db);
    await sql`drop function if exists plugin_docs_usage()`.execute(db);
  } else {
    for (const name of ['plugin_docs_usage_insert', 'plugin_docs_usage_delete', 'plugin_docs_usage_resize', 'plugin_docs_usage_move']) await sql`drop trigger if exists ${sql.ref(name)}`.execute(db);
  }
  await db.schema.dropTable('plugin_storage_usage').ifExists().execute();
}
