import { z } from 'zod';

/** Which page of a list to read: `page` from 1, `pageSize` rows each. */
export interface PageRequest {
  page: number;
  pageSize: number;
}

/** One page of a list, as every list response answers it: the rows of the page and how many rows match in all. */
export interface Paged<T> {
  items: T[];
  /** Rows matching the query, on every page together. */
  total: number;
  /** From 1. */
  page: number;
  pageSize: number;
}

/** The response schema of one page of `item`s; extend it for what a list adds (e.g. a sum over all pages). */
export function paged<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
}

/** The query parameters of a page in the admin lists (page from 1, at most 100 rows). */
export const pageQuery = {
  page: z.coerce.number({ error: '页码不正确' }).int('页码不正确').min(1, '页码不正确').max(100_000, '页码不正确').default(1),
  pageSize: z.coerce.number({ error: '每页条数不正确' }).int('每页条数不正确').min(1, '每页条数不正确').max(100, '每页最多100条').default(20),
};
