import { pageArgs, type PaginationInput } from "./pagination";

/**
 * One page of rows and the total, the usual `list` of a service: checks the pagination, then runs
 * `find` (given skip and take) and `count` together; `view` maps each row.
 */
export async function findPage<Row, Item = Row>(
  pagination: PaginationInput | null | undefined,
  find: (page: { skip: number; take: number }) => Promise<Row[]>,
  count: () => Promise<number>,
  view: (row: Row) => Item = (row) => row as unknown as Item,
): Promise<{ items: Item[]; total: number }> {
  const page = pageArgs(pagination);
  const [rows, total] = await Promise.all([find(page), count()]);
  return { items: rows.map((row) => view(row)), total };
}
