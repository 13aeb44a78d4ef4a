import { useQuery } from "@apollo/client/react";
import { Alert, Badge, Group, Pagination, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { DataTable, NO_TRUNCATE } from "../components/DataTable";
import { serverError } from "../errors";
import type { OsType, TargetRowFieldsFragment, TargetSortField } from "../gql/graphql";
import { TargetsQuery } from "../operations";

const PAGE_SIZE = 50;
const OS_TYPES: OsType[] = ["LINUX", "WINDOWS", "NETWORK", "OTHER"];
const SORTABLE: Record<string, TargetSortField> = { name: "NAME", address: "ADDRESS" };
const HEALTH_COLOR: Record<string, string> = { HEALTHY: "green", WARNING: "yellow", CRITICAL: "red", UNKNOWN: "gray" };

/** The targets list (read-only so far): server-side search, environment and OS filters, sort and paging. */
export function TargetsPage() {
  const [search, setSearch] = useState("");
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const [environment, setEnvironment] = useState("");
  const [debouncedEnvironment] = useDebouncedValue(environment.trim().toLowerCase(), 300);
  const [osType, setOsType] = useState<string | null>(null);
  const [sorting, setSorting] = useState<SortingState>([{ id: "name", desc: false }]);
  const [page, setPage] = useState(1);

  const sort = sorting[0];
  const { data, previousData, loading, error } = useQuery(TargetsQuery, {
    variables: {
      filter: { search: debouncedSearch || undefined, environment: debouncedEnvironment || undefined, osType: (osType as OsType | null) ?? undefined },
      sort: { field: SORTABLE[sort?.id ?? "name"] ?? "NAME", direction: sort?.desc ? "DESC" : "ASC" },
      pagination: { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE },
    },
    notifyOnNetworkStatusChange: true,
  });
  const shown = data ?? previousData;
  const targets = shown?.targets.items ?? [];

  const columns = useMemo<ColumnDef<TargetRowFieldsFragment>[]>(
    () => [
      { id: "serialNumber", header: "Serial", accessorKey: "serialNumber", enableSorting: false },
      { id: "name", header: "Name", accessorKey: "name" },
      { id: "address", header: "Address", accessorFn: (target) => `${target.address}:${target.port}` },
      { id: "osType", header: "OS", accessorFn: (target) => target.osType.toLowerCase(), enableSorting: false },
      { id: "environment", header: "Environment", accessorKey: "environment", enableSorting: false },
      { id: "tags", header: "Tags", enableSorting: false, cell: ({ row }) => row.original.tags.map((tag) => <Badge styles={NO_TRUNCATE} key={tag} variant="outline" mr={4}>{tag}</Badge>) },
      { id: "health", header: "Health", enableSorting: false, cell: ({ row }) => <Badge styles={NO_TRUNCATE} color={HEALTH_COLOR[row.original.healthStatus]}>{row.original.healthStatus.toLowerCase()}</Badge> },
    ],
    [],
  );
  const table = useReactTable({
    data: targets,
    columns,
    state: { sorting },
    manualSorting: true,
    enableMultiSort: false,
    enableSortingRemoval: false,
    onSortingChange: (updater) => {
      setSorting(typeof updater === "function" ? updater(sorting) : updater);
      setPage(1);
    },
    getCoreRowModel: getCoreRowModel(),
    getRowId: (target) => target.id,
  });

  return (
    <Stack>
      <Title order={1} size="h2">
        Targets
      </Title>
      <Group>
        <TextInput label="Search" placeholder="Name, address or description" value={search} onChange={(event) => { setSearch(event.currentTarget.value); setPage(1); }} />
        <TextInput label="Environment" placeholder="Any environment" value={environment} onChange={(event) => { setEnvironment(event.currentTarget.value); setPage(1); }} />
        <Select label="OS" placeholder="Any OS" clearable data={OS_TYPES.map((value) => ({ value, label: value.toLowerCase() }))} value={osType} onChange={(value) => { setOsType(value); setPage(1); }} />
      </Group>
      {error && (
        <Alert color="red" role="alert">
          {serverError(error).message}
        </Alert>
      )}
      <DataTable table={table} label="Targets" empty={loading ? undefined : "No targets match."} />
      <Group justify="space-between">
        <Text size="sm" c="dimmed" aria-live="polite">
          {loading ? "Loading…" : `${shown?.targets.total ?? 0} ${shown?.targets.total === 1 ? "target" : "targets"}`}
        </Text>
        <Pagination total={Math.max(1, Math.ceil((shown?.targets.total ?? 0) / PAGE_SIZE))} value={page} onChange={setPage} aria-label="Pages" />
      </Group>
    </Stack>
  );
}
