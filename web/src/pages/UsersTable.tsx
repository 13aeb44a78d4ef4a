import { Badge, Button, Group } from "@mantine/core";
import { getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import { useMemo } from "react";
import { DataTable, NO_TRUNCATE } from "../components/DataTable";
import type { UserRowFieldsFragment } from "../gql/graphql";


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
        cell: ({ row }) => <Badge styles={NO_TRUNCATE} color={row.original.isActive ? "teal" : "gray"}>{row.original.isActive ? "active" : "inactive"}</Badge>,
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
            <Button size="compact-xs" variant="default" onClick={() => actions.onDelete(row.original)} aria-label={`Delete ${row.original.username}`}>
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
    <DataTable table={table} label="Users" empty="No users match." />
  );
}
