import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import { onPage } from './paging';

const db = knexFactory({ client: 'pg' });

describe('onPage', () => {
  it('reads page n (from 1) of pageSize rows: offset (n - 1) × pageSize', () => {
    expect(onPage(db('t').orderBy('id'), { page: 1, pageSize: 20 }).toSQL().toNative()).toEqual({ sql: 'select * from "t" order by "id" asc limit $1', bindings: [20] });
    expect(onPage(db('t').orderBy('id'), { page: 3, pageSize: 50 }).toSQL().toNative()).toEqual({ sql: 'select * from "t" order by "id" asc limit $1 offset $2', bindings: [50, 100] });
  });
});
