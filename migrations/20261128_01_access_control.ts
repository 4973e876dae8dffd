import type { Knex } from 'knex';

/** Users, roles and permissions (RBAC). Back: drop the four tables. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('username', 64).notNullable().unique();
    t.string('display_name', 64).notNullable();
    t.enu('kind', ['staff', 'candidate']).notNullable();
    // PBKDF2 with SM3: `pbkdf2-sm3$<iterations>$<salt b64>$<hash b64>`; null for accounts without a password.
    t.string('password_hash', 256);
    t.string('bureau', 8);
    t.boolean('enabled').notNullable().defaultTo(true);
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('roles', (t) => {
    t.string('code', 32).primary();
    t.string('name', 64).notNullable();
  });
  await knex.schema.createTable('role_permissions', (t) => {
    t.string('role_code', 32).notNullable().references('roles.code').onDelete('CASCADE');
    t.string('permission_code', 64).notNullable();
    t.primary(['role_code', 'permission_code']);
  });
  await knex.schema.createTable('user_roles', (t) => {
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('role_code', 32).notNullable().references('roles.code');
    t.primary(['user_id', 'role_code']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('user_roles');
  await knex.schema.dropTable('role_permissions');
  await knex.schema.dropTable('roles');
  await knex.schema.dropTable('users');
}
