import { Badge, Button, Group, Table, Text, UnstyledButton } from "@mantine/core";
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import { useMemo } from "react";
import type { UserRowFieldsFragment } from "../gql/graphql";

/** Badges keep their whole word in a narrow column (Mantine truncates badge labels by default). */
const NO_TRUNCATE = { label: { overflow: "visible" as const } };

/** Columns the server can sort by (UserSortField), by column id. */
export const SORTABLE = { username: "USERNAME", createdAt: "CREATED_AT", lastLoginAt: "LAST_LOGIN_AT" } as const;

export interface UsersTableProps {
  users: UserRowFieldsFragment[];
  sorting: SortingState;
  onSortingChange(sorting: SortingState): void;
  /** Absent for a user without users:write: no write actions are shown. */
  actions?: {
    onEdit(user: UserRowFieldsFragment): void;
    onToggleActive(user: UserRowFieldsFragment): void;
    onDelete(user: UserRowFieldsFragment): void;
  };
}

const when = (value: unknown) => (value ? new Date(String(value)).toLocaleString() : "never");

/** One page of users: sorting is done by the server (manualSorting), the table only renders and reports clicks. */
export function UsersTable({ users, sorting, onSortingChange, actions }: UsersTableProps) {
  const columns = useMemo<ColumnDef<UserRowFieldsFragment>[]>(() => {
    const list: ColumnDef<UserRowFieldsFragment>[] = [
      { id: "username", header: "Username", accessorKey: "username" },
      { id: "displayName", header: "Name", accessorKey: "displayName", enableSorting: false },
      { id: "email", header: "Email", accessorKey: "email", enableSorting: false },
      {
        id: "roles",
        header: "Roles",
        enableSorting: false,
        cell: ({ row }) => row.original.roles.map((role) => <Badge styles={NO_TRUNCATE} key={role} variant="light" mr={4}>{role.toLowerCase()}</Badge>),
      },
      {
        id: "status",
        header: "Status",
        enableSorting: false,
        cell: ({ row }) => <Badge styles={NO_TRUNCATE} color={row.original.isActive ? "green" : "gray"}>{row.original.isActive ? "active" : "inactive"}</Badge>,
      },
      { id: "lastLoginAt", header: "Last sign-in", accessorFn: (user) => when(user.lastLoginAt) },
      { id: "createdAt", header: "Created", accessorFn: (user) => when(user.createdAt) },
    ];
    if (actions) {
      list.push({
        id: "actions",
        header: "Actions",
        enableSorting: false,
        cell: ({ row }) => (
          <Group gap={4} wrap="nowrap">
            <Button size="compact-xs" variant="default" onClick={() => actions.onEdit(row.original)} aria-label={`Edit ${row.original.username}`}>
              Edit
            </Button>
            <Button size="compact-xs" variant="default" onClick={() => actions.onToggleActive(row.original)} aria-label={`${row.original.isActive ? "Deactivate" : "Activate"} ${row.original.username}`}>
              {row.original.isActive ? "Deactivate" : "Activate"}
            </Button>
            <Button size="compact-xs" color="red" variant="light" onClick={() => actions.onDelete(row.original)} aria-label={`Delete ${row.original.username}`}>
              Delete
            </Button>
          </Group>
        ),
      });
    }
    return list;
  }, [actions]);

  const table = useReactTable({
    data: users,
    columns,
    state: { sorting },
    manualSorting: true,
    enableMultiSort: false,
    enableSortingRemoval: false,
    onSortingChange: (updater) => onSortingChange(typeof updater === "function" ? updater(sorting) : updater),
    getCoreRowModel: getCoreRowModel(),
    getRowId: (user) => user.id,
  });

  return (
    <Table striped highlightOnHover aria-label="Users">
      <Table.Thead>
        {table.getHeaderGroups().map((group) => (
          <Table.Tr key={group.id}>
            {group.headers.map((header) => {
              const sorted = header.column.getIsSorted();
              const label = flexRender(header.column.columnDef.header, header.getContext());
              return (
                <Table.Th key={header.id} aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}>
                  {header.column.getCanSort() ? (
                    <UnstyledButton onClick={header.column.getToggleSortingHandler()} fw={600} fz="sm">
                      {label} {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : ""}
                    </UnstyledButton>
                  ) : (
                    label
                  )}
                </Table.Th>
              );
            })}
          </Table.Tr>
        ))}
      </Table.Thead>
      <Table.Tbody>
        {table.getRowModel().rows.map((row) => (
          <Table.Tr key={row.id}>
            {row.getVisibleCells().map((cell) => (
              <Table.Td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</Table.Td>
            ))}
          </Table.Tr>
        ))}
        {users.length === 0 && (
          <Table.Tr>
            <Table.Td colSpan={columns.length}>
              <Text c="dimmed">No users match.</Text>
            </Table.Td>
          </Table.Tr>
        )}
      </Table.Tbody>
    </Table>
  );
}
