import { Anchor, Badge, Checkbox, Text } from "@mantine/core";
import {
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type OnChangeFn,
  type RowSelectionState,
  type SortingState,
  type VisibilityState,
} from "@tanstack/react-table";
import { useMemo } from "react";
import { Link } from "react-router";
import { DataTable, NO_TRUNCATE } from "../../components/DataTable";
import type { TargetListFieldsFragment, TargetSortField } from "../../gql/graphql";

/** Columns the server can sort by, and the sort field each asks for. */
export const SORTABLE: Record<string, TargetSortField> = { name: "NAME", address: "ADDRESS", updatedAt: "UPDATED_AT" };
export const HEALTH_COLOR: Record<string, string> = { HEALTHY: "green", WARNING: "yellow", CRITICAL: "red", UNKNOWN: "gray" };

/** Every column the user can show or hide, in table order (the selection column is not one of them). */
export const TARGET_COLUMNS: Array<{ id: string; label: string }> = [
  { id: "serialNumber", label: "Serial" },
  { id: "name", label: "Name" },
  { id: "address", label: "Address" },
  { id: "osType", label: "OS" },
  { id: "environment", label: "Environment" },
  { id: "deviceType", label: "Device type" },
  { id: "tags", label: "Tags" },
  { id: "health", label: "Health" },
  { id: "lastCheckedAt", label: "Last checked" },
  { id: "updatedAt", label: "Updated" },
];
export const DEFAULT_HIDDEN: VisibilityState = { deviceType: false, lastCheckedAt: false, updatedAt: false };

const when = (value: string | null | undefined) => (value ? new Date(value).toLocaleString() : "never");

export interface TargetsTableProps {
  targets: TargetListFieldsFragment[];
  sorting: SortingState;
  onSortingChange(sorting: SortingState): void;
  columnVisibility: VisibilityState;
  /** Row selection for bulk actions; without it (a reader) there is no selection column. */
  selection?: { state: RowSelectionState; onChange: OnChangeFn<RowSelectionState> };
  empty?: string;
}

/** The targets list: server-sorted, a link to each target's page, optional row selection, column choice. */
export function TargetsTable({ targets, sorting, onSortingChange, columnVisibility, selection, empty }: TargetsTableProps) {
  const columns = useMemo<ColumnDef<TargetListFieldsFragment>[]>(() => {
    const data: ColumnDef<TargetListFieldsFragment>[] = [
      { id: "serialNumber", header: "Serial", accessorKey: "serialNumber", enableSorting: false },
      {
        id: "name",
        header: "Name",
        accessorKey: "name",
        cell: ({ row }) => (
          <Anchor component={Link} to={`/targets/${row.original.id}`} fz="sm">
            {row.original.name}
          </Anchor>
        ),
      },
      { id: "address", header: "Address", accessorFn: (target) => `${target.address}:${target.port}` },
      { id: "osType", header: "OS", accessorFn: (target) => target.osType.toLowerCase(), enableSorting: false },
      { id: "environment", header: "Environment", accessorKey: "environment", enableSorting: false },
      { id: "deviceType", header: "Device type", accessorFn: (target) => target.deviceType?.name ?? "", enableSorting: false },
      {
        id: "tags",
        header: "Tags",
        enableSorting: false,
        cell: ({ row }) =>
          row.original.tags.map((tag) => (
            <Badge styles={NO_TRUNCATE} key={tag} variant="outline" mr={4}>
              {tag}
            </Badge>
          )),
      },
      {
        id: "health",
        header: "Health",
        enableSorting: false,
        cell: ({ row }) => (
          <Badge styles={NO_TRUNCATE} color={HEALTH_COLOR[row.original.healthStatus]}>
            {row.original.healthStatus.toLowerCase()}
          </Badge>
        ),
      },
      { id: "lastCheckedAt", header: "Last checked", accessorFn: (target) => when(target.lastCheckedAt), enableSorting: false },
      { id: "updatedAt", header: "Updated", accessorFn: (target) => when(target.updatedAt) },
    ];
    if (!selection) return data;
    const select: ColumnDef<TargetListFieldsFragment> = {
      id: "select",
      enableSorting: false,
      enableHiding: false,
      header: ({ table }) => (
        <Checkbox
          aria-label="Select all targets on this page"
          checked={table.getIsAllPageRowsSelected()}
          indeterminate={table.getIsSomePageRowsSelected()}
          onChange={table.getToggleAllPageRowsSelectedHandler()}
        />
      ),
      cell: ({ row }) => <Checkbox aria-label={`Select ${row.original.name}`} checked={row.getIsSelected()} onChange={row.getToggleSelectedHandler()} />,
    };
    return [select, ...data];
  }, [selection]);

  const table = useReactTable({
    data: targets,
    columns,
    state: { sorting, columnVisibility, rowSelection: selection?.state ?? {} },
    enableRowSelection: !!selection,
    onRowSelectionChange: selection?.onChange,
    manualSorting: true,
    enableMultiSort: false,
    enableSortingRemoval: false,
    onSortingChange: (updater) => onSortingChange(typeof updater === "function" ? updater(sorting) : updater),
    getCoreRowModel: getCoreRowModel(),
    getRowId: (target) => target.id,
  });

  return (
    <>
      <DataTable table={table} label="Targets" empty={empty} />
      {targets.length > 0 && table.getVisibleLeafColumns().length <= 1 && <Text c="dimmed">Every column is hidden; choose some under Columns.</Text>}
    </>
  );
}
