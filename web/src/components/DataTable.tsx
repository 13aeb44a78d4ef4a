import { Table, Text, UnstyledButton } from "@mantine/core";
import { flexRender, type Table as TanStackTable } from "@tanstack/react-table";

/** Badges keep their whole word in a narrow column (Mantine truncates badge labels by default). */
export const NO_TRUNCATE = { label: { overflow: "visible" as const } };

export interface DataTableProps<Row> {
  /** A TanStack table (server-side sorting: its sort state is the query's). */
  table: TanStackTable<Row>;
  /** The table's accessible name. */
  label: string;
  /** Shown in one full-width row when there are no rows (pass nothing while loading). */
  empty?: string;
}

/** Every list of the console: sortable headers (aria-sort, click to sort), one row per item, an empty state. */
export function DataTable<Row>({ table, label, empty }: DataTableProps<Row>) {
  const rows = table.getRowModel().rows;
  return (
    <Table striped highlightOnHover aria-label={label}>
      <Table.Thead>
        {table.getHeaderGroups().map((group) => (
          <Table.Tr key={group.id}>
            {group.headers.map((header) => {
              const sorted = header.column.getIsSorted();
              const title = flexRender(header.column.columnDef.header, header.getContext());
              return (
                <Table.Th key={header.id} aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}>
                  {header.column.getCanSort() ? (
                    <UnstyledButton onClick={header.column.getToggleSortingHandler()} fw={600} fz="sm">
                      {title} {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : ""}
                    </UnstyledButton>
                  ) : (
                    title
                  )}
                </Table.Th>
              );
            })}
          </Table.Tr>
        ))}
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.id}>
            {row.getVisibleCells().map((cell) => (
              <Table.Td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</Table.Td>
            ))}
          </Table.Tr>
        ))}
        {rows.length === 0 && empty !== undefined && (
          <Table.Tr>
            <Table.Td colSpan={table.getVisibleLeafColumns().length}>
              <Text c="dimmed">{empty}</Text>
            </Table.Td>
          </Table.Tr>
        )}
      </Table.Tbody>
    </Table>
  );
}
