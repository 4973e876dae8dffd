import knex from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { formatRowKey, keysetQuery, rowKey } from './keyset';

// A query builder that is never connected: only SQL is generated.
const db = knex({ client: 'pg' });
afterAll(() => db.destroy());

describe('keyset pagination', () => {
  it('starts at the beginning and continues after the last key, in key order', () => {
    expect(keysetQuery(db, { table: 'registrations', keyColumn: 'id', batchSize: 500 }, undefined).toSQL().toNative()).toEqual({
      sql: 'select * from "registrations" order by "id" asc limit $1',
      bindings: [500],
    });
    expect(keysetQuery(db, { table: 'registrations', keyColumn: 'id', columns: ['id', 'phone'], batchSize: 500 }, 1200).toSQL().toNative()).toEqual({
      sql: 'select "id", "phone" from "registrations" where ("id") > ($1) order by "id" asc limit $2',
      bindings: [1200, 500],
    });
  });

  it('compares composite keys as rows', () => {
    const scan = { table: 'user_roles', keyColumn: ['user_id', 'role_code'], batchSize: 100 };
    expect(keysetQuery(db, scan, [7, 'candidate']).toSQL().toNative()).toEqual({
      sql: 'select * from "user_roles" where ("user_id", "role_code") > ($1, $2) order by "user_id" asc, "role_code" asc limit $3',
      bindings: [7, 'candidate', 100],
    });
    expect(() => keysetQuery(db, scan, 7)).toThrow(/2 column/);
    expect(rowKey({ user_id: 7, role_code: 'candidate' }, scan.keyColumn)).toEqual([7, 'candidate']);
    expect(formatRowKey([7, 'candidate'])).toBe('7/candidate');
    expect(() => rowKey({ id: null }, 'id')).toThrow(TypeError);
  });
});
