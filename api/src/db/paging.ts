import type { Knex } from 'knex';
import type { PageRequest } from '../contracts/paged';

export type { PageRequest };

/** Limits a query to the rows of one page (order it first). */
export function onPage<Q extends Knex.QueryBuilder>(query: Q, { page, pageSize }: PageRequest): Q {
  return query.offset((page - 1) * pageSize).limit(pageSize) as Q;
}

/** How many rows a query has (PostgreSQL answers `count(*)` as a bigint string). */
export async function countRows(query: Knex.QueryBuilder): Promise<number> {
  const counted = (await query.count({ count: '*' }).first()) as { count: string | number } | undefined;
  return Number(counted?.count ?? 0);
}

/** One page of `rows` and how many rows match in all (`counted`: the same filter, without joins or order). */
export async function fetchPage<Row>(counted: Knex.QueryBuilder, rows: Knex.QueryBuilder, paging: PageRequest): Promise<{ rows: Row[]; total: number }> {
  const total = await countRows(counted);
  return { rows: (await onPage(rows, paging)) as Row[], total };
}
