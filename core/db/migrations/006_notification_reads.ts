import type { Kysely } from 'kysely';

/**
 * Per-user read state of in-app notifications. A notification addressed to a role is one row seen
 * by every holder of that role, so its single `read_at` column cannot say who has read it: one row
 * here per (notification, reader). `notifications.read_at` stays for old readers of the table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notification_reads')
    .addColumn('notification_id', 'integer', (c) => c.notNull().references('notifications.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('read_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_reads_pk', ['notification_id', 'user_id'])
    .execute();
  // The unread count of one user looks up by user; the primary key serves lookups by notification.
  await db.schema.createIndex('notification_reads_user').on('notification_reads').columns(['user_id', 'notification_id']).execute();
  // Role-addressed lists filter by (unit, role) and by (unit, user); the old index is (unit, created_at).
  await db.schema.createIndex('notifications_unit_role').on('notifications').columns(['unit_id', 'role', 'id']).execute();
  await db.schema.createIndex('notifications_unit_user').on('notifications').columns(['unit_id', 'user_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('notifications_unit_user').ifExists().execute();
  await db.schema.dropIndex('notifications_unit_role').ifExists().execute();
  await db.schema.dropTable('notification_reads').ifExists().execute();
}
