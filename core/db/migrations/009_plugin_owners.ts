import { sql, type Kysely } from 'kysely';

/**
 * Who owns a plugin id. Storage, enablement, deliveries and logs are keyed by plugin id, so the id
 * is the plugin's identity: it belongs to the publisher (a trusted publisher's name, whose key signs
 * its bundles) that first installed it, or to unsigned bundles (`publisher` null) when the first
 * install was unsigned. A bundle for the id from anyone else is refused until the system
 * administrator transfers the id. Ownership outlives uninstalling (the data may be kept).
 *
 * Existing installations get the signer of their first installed version as owner; an id with data
 * left behind but no installed version (uninstalled without purge) is owned by unsigned bundles, so
 * no publisher can take its data without the system administrator's transfer.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('plugin_owners')
    .addColumn('plugin_id', 'text', (c) => c.primaryKey())
    .addColumn('publisher', 'text')
    .addColumn('since', 'text', (c) => c.notNull())
    .addColumn('assigned_by', 'integer')
    .addColumn('how', 'text', (c) => c.notNull())
    .addCheckConstraint('plugin_owners_how', sql`how in ('install', 'transfer', 'migration')`)
    .execute();
  await sql`
    insert into plugin_owners (plugin_id, publisher, since, assigned_by, how)
    select p.plugin_id, p.signed_by, p.installed_at, p.installed_by, 'migration' from plugin_packages p
    where p.id = (select min(q.id) from plugin_packages q where q.plugin_id = p.plugin_id)`.execute(db);
  const now = new Date().toISOString();
  await sql`
    insert into plugin_owners (plugin_id, publisher, since, assigned_by, how)
    select d.plugin_id, cast(null as text), cast(${now} as text), cast(null as integer), 'migration' from (
      select plugin_id from plugin_docs union select plugin_id from plugin_units
    ) d
    where not exists (select 1 from plugin_owners o where o.plugin_id = d.plugin_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('plugin_owners').ifExists().execute();
}
