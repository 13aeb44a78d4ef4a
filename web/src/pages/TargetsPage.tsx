import { useMutation, useQuery } from "@apollo/client/react";
import { normalizeTags, RuleViolation } from "@opsconductor/kit/rules";
import { Alert, Button, Checkbox, Group, Modal, Pagination, Paper, Popover, Select, Stack, TagsInput, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import type { RowSelectionState, SortingState, VisibilityState } from "@tanstack/react-table";
import { useEffect, useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { useAuth } from "../auth";
import { serverError } from "../errors";
import type { ConnectionTestBatchFieldsFragment, HealthStatus, OsType, TargetFilter, TargetListFieldsFragment } from "../gql/graphql";
import {
  CreateSavedGroupMutation,
  CreateTargetMutation,
  DeleteTargetMutation,
  TargetChoicesQuery,
  TargetListQuery,
  TestTargetConnectionsMutation,
  UpdateTargetMutation,
} from "../operations.targets";
import { ConnectionTestProgress } from "./targets/ConnectionTestProgress";
import { TargetForm } from "./targets/TargetForm";
import { DEFAULT_HIDDEN, SORTABLE, TARGET_COLUMNS, TargetsTable } from "./targets/TargetsTable";

const PAGE_SIZE = 50;
const OS_TYPES: OsType[] = ["LINUX", "WINDOWS", "NETWORK", "OTHER"];
const HEALTH: HealthStatus[] = ["HEALTHY", "WARNING", "CRITICAL", "UNKNOWN"];
/** Bulk writes go out a few at a time (one mutation per target). */
const BULK_CONCURRENCY = 4;

interface Filters {
  search: string;
  tags: string[];
  environment: string;
  osType: string | null;
  deviceTypeId: string | null;
  healthStatus: string | null;
}
const NO_FILTERS: Filters = { search: "", tags: [], environment: "", osType: null, deviceTypeId: null, healthStatus: null };

/** The filters as the API's TargetFilter (only what is set). */
function toTargetFilter(filters: Filters): TargetFilter {
  return {
    search: filters.search.trim() || undefined,
    tags: filters.tags.length ? filters.tags : undefined,
    environment: filters.environment.trim().toLowerCase() || undefined,
    osType: (filters.osType as OsType | null) ?? undefined,
    deviceTypeId: filters.deviceTypeId ?? undefined,
    healthStatus: (filters.healthStatus as HealthStatus | null) ?? undefined,
  };
}

/** Column choice is a preference (no token): kept per user in localStorage. */
const columnsKey = (userId: string | undefined) => `opsc-targets-columns:${userId ?? "anonymous"}`;
function storedColumns(userId: string | undefined): VisibilityState {
  try {
    const stored = window.localStorage.getItem(columnsKey(userId));
    return stored ? (JSON.parse(stored) as VisibilityState) : DEFAULT_HIDDEN;
  } catch {
    return DEFAULT_HIDDEN;
  }
}

/** Runs `work` on each item, BULK_CONCURRENCY at a time; the failures, by item. */
async function eachLimited<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<Array<{ item: T; message: string }>> {
  const failures: Array<{ item: T; message: string }> = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (caught) {
        failures.push({ item, message: serverError(caught).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, items.length) }, lane));
  return failures;
}

/** The targets list: server-side search and filters, saved groups, column choice, bulk actions for writers. */
export function TargetsPage() {
  const { can, user } = useAuth();
  const navigate = useNavigate();
  const writable = can("targets:write");
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [debounced] = useDebouncedValue(filters, 300);
  const [groupId, setGroupId] = useState<string | null>(null);
  const [sorting, setSorting] = useState<SortingState>([{ id: "name", desc: false }]);
  const [page, setPage] = useState(1);
  const [columnVisibility, setColumnVisibility] = useState<VisibilityState>(() => storedColumns(user?.id));
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const [creating, setCreating] = useState(false);
  const [dialog, setDialog] = useState<"delete" | "tag" | "group" | null>(null);
  const [bulkTags, setBulkTags] = useState<string[]>([]);
  const [bulkTagError, setBulkTagError] = useState<string | null>(null);
  const [groupName, setGroupName] = useState("");
  const [groupError, setGroupError] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ color: string; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [test, setTest] = useState<{ batch: ConnectionTestBatchFieldsFragment; names: Array<{ id: string; name: string }> } | null>(null);

  useEffect(() => {
    window.localStorage.setItem(columnsKey(user?.id), JSON.stringify(columnVisibility));
  }, [columnVisibility, user?.id]);

  const filter = useMemo(() => toTargetFilter(debounced), [debounced]);
  const sort = sorting[0];
  const { data, previousData, loading, error, refetch } = useQuery(TargetListQuery, {
    variables: {
      filter,
      sort: { field: SORTABLE[sort?.id ?? "name"] ?? "NAME", direction: sort?.desc ? "DESC" : "ASC" },
      pagination: { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE },
    },
    notifyOnNetworkStatusChange: true,
  });
  const choices = useQuery(TargetChoicesQuery);
  const deviceTypes = choices.data?.deviceTypes ?? [];
  const groups = choices.data?.savedGroups ?? [];
  const shown = data ?? previousData;
  const targets = shown?.targets.items ?? [];
  const selected: TargetListFieldsFragment[] = targets.filter((target) => rowSelection[target.id]);

  // A new filter or page is a new set of rows: the selection would otherwise point at rows no longer shown.
  useEffect(() => setRowSelection({}), [filter, page]);

  const [createTarget] = useMutation(CreateTargetMutation);
  const [updateTarget] = useMutation(UpdateTargetMutation);
  const [deleteTarget] = useMutation(DeleteTargetMutation);
  const [testConnections] = useMutation(TestTargetConnectionsMutation);
  const [createGroup] = useMutation(CreateSavedGroupMutation);

  const changeFilters = (change: Partial<Filters>) => {
    setFilters((old) => ({ ...old, ...change }));
    setGroupId(null);
    setPage(1);
  };

  const pickGroup = (id: string | null) => {
    setGroupId(id);
    setPage(1);
    const group = groups.find((candidate) => candidate.id === id);
    if (!group) return setFilters(NO_FILTERS);
    // The group's filter becomes the list's (namePattern, which the page has no field for, is shown in the search).
    setFilters({
      search: group.filter.search ?? group.filter.namePattern ?? "",
      tags: group.filter.tags ?? [],
      environment: group.filter.environment ?? "",
      osType: group.filter.osType ?? null,
      deviceTypeId: group.filter.deviceTypeId ?? null,
      healthStatus: group.filter.healthStatus ?? null,
    });
  };

  const finishBulk = async (what: string, count: number, failures: Array<{ item: TargetListFieldsFragment; message: string }>) => {
    setRowSelection({});
    await refetch();
    setNotice(
      failures.length === 0
        ? { color: "green", text: `${what}: ${count} ${count === 1 ? "target" : "targets"}.` }
        : { color: "red", text: `${what}: ${count - failures.length} of ${count} done. ${failures.map((failure) => `${failure.item.name}: ${failure.message}`).join("; ")}` },
    );
  };

  const bulkDelete = async () => {
    const rows = selected;
    setBusy(true);
    const failures = await eachLimited(rows, (target) => deleteTarget({ variables: { id: target.id } }));
    setBusy(false);
    setDialog(null);
    await finishBulk("Deleted", rows.length, failures);
  };

  const bulkTag = async () => {
    let tags: string[];
    try {
      tags = normalizeTags(bulkTags);
    } catch (caught) {
      if (caught instanceof RuleViolation) return setBulkTagError(caught.message);
      throw caught;
    }
    if (tags.length === 0) return setBulkTagError("Enter at least one tag");
    const rows = selected;
    setBusy(true);
    const failures = await eachLimited(rows, (target) => updateTarget({ variables: { id: target.id, input: { tags: [...new Set([...target.tags, ...tags])] } } }));
    setBusy(false);
    setDialog(null);
    setBulkTags([]);
    await finishBulk(`Tagged ${tags.join(", ")}`, rows.length, failures);
  };

  const bulkTest = async () => {
    const rows = selected;
    setNotice(null);
    try {
      const result = await testConnections({ variables: { ids: rows.map((target) => target.id) } });
      if (result.data) setTest({ batch: result.data.testTargetConnections, names: rows.map(({ id, name }) => ({ id, name })) });
    } catch (caught) {
      setNotice({ color: "red", text: serverError(caught).message });
    }
  };

  const saveGroup = async () => {
    setGroupError(null);
    try {
      const result = await createGroup({ variables: { input: { name: groupName.trim(), filter: toTargetFilter(filters) } } });
      await choices.refetch();
      setDialog(null);
      setGroupName("");
      if (result.data) setGroupId(result.data.createSavedGroup.id);
    } catch (caught) {
      const problem = serverError(caught);
      setGroupError(problem.message.replace(/^[\w.]+: /, ""));
    }
  };

  const hasFilter = Object.values(toTargetFilter(filters)).some((value) => value !== undefined);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Targets
        </Title>
        {writable && <Button onClick={() => setCreating(true)}>Create target</Button>}
      </Group>
      <Group align="flex-end">
        <Select
          label="Saved group"
          placeholder="No group"
          clearable
          data={groups.map((group) => ({ value: group.id, label: group.name }))}
          value={groupId}
          onChange={pickGroup}
        />
        <TextInput label="Search" placeholder="Name, address or description" value={filters.search} onChange={(event) => changeFilters({ search: event.currentTarget.value })} />
        <TagsInput label="Tags" placeholder="All of these tags" value={filters.tags} onChange={(tags) => changeFilters({ tags: tags.map((tag) => tag.trim().toLowerCase()) })} maw={260} />
        <TextInput label="Environment" placeholder="Any environment" value={filters.environment} onChange={(event) => changeFilters({ environment: event.currentTarget.value })} w={160} />
        <Select label="OS" placeholder="Any OS" clearable data={OS_TYPES.map((value) => ({ value, label: value.toLowerCase() }))} value={filters.osType} onChange={(osType) => changeFilters({ osType })} w={130} />
        <Select
          label="Device type"
          placeholder="Any type"
          clearable
          data={deviceTypes.map((type) => ({ value: type.id, label: type.name }))}
          value={filters.deviceTypeId}
          onChange={(deviceTypeId) => changeFilters({ deviceTypeId })}
          w={170}
        />
        <Select label="Health" placeholder="Any health" clearable data={HEALTH.map((value) => ({ value, label: value.toLowerCase() }))} value={filters.healthStatus} onChange={(healthStatus) => changeFilters({ healthStatus })} w={130} />
      </Group>
      <Group justify="space-between">
        <Group>
          {writable && (
            <Button variant="default" disabled={!hasFilter || groupId !== null} onClick={() => setDialog("group")}>
              Save filter as group
            </Button>
          )}
          <Button variant="subtle" disabled={!hasFilter && groupId === null} onClick={() => pickGroup(null)}>
            Clear filters
          </Button>
          <Popover position="bottom-start" withArrow shadow="md">
            <Popover.Target>
              <Button variant="default">Columns</Button>
            </Popover.Target>
            <Popover.Dropdown>
              <Stack gap="xs" role="group" aria-label="Shown columns">
                {TARGET_COLUMNS.map((column) => (
                  <Checkbox
                    key={column.id}
                    label={column.label}
                    checked={columnVisibility[column.id] !== false}
                    onChange={(event) => {
                      const checked = event.currentTarget.checked;
                      setColumnVisibility((old) => ({ ...old, [column.id]: checked }));
                    }}
                  />
                ))}
              </Stack>
            </Popover.Dropdown>
          </Popover>
        </Group>
        {writable && selected.length > 0 && (
          <Group gap="xs" aria-label="Bulk actions" role="toolbar">
            <Text size="sm">{selected.length} selected</Text>
            <Button variant="light" onClick={() => void bulkTest()}>
              Test connection
            </Button>
            <Button variant="light" onClick={() => { setBulkTagError(null); setDialog("tag"); }}>
              Tag
            </Button>
            <Button variant="light" color="red" onClick={() => setDialog("delete")}>
              Delete
            </Button>
          </Group>
        )}
      </Group>
      {notice && (
        <Alert color={notice.color} role={notice.color === "red" ? "alert" : "status"} withCloseButton onClose={() => setNotice(null)}>
          {notice.text}
        </Alert>
      )}
      {error && (
        <Alert color="red" role="alert">
          {serverError(error).message}
        </Alert>
      )}
      {test && (
        <Paper withBorder p="md">
          <ConnectionTestProgress key={test.batch.id} batch={test.batch} names={test.names} onFinished={() => void refetch()} />
          <Group justify="flex-end" mt="xs">
            <Button
              variant="default"
              size="xs"
              onClick={() => {
                setTest(null);
                void refetch();
              }}
            >
              Close results
            </Button>
          </Group>
        </Paper>
      )}
      <TargetsTable
        targets={targets}
        sorting={sorting}
        onSortingChange={(next) => {
          setSorting(next);
          setPage(1);
        }}
        columnVisibility={columnVisibility}
        selection={writable ? { state: rowSelection, onChange: setRowSelection } : undefined}
        empty={loading ? undefined : "No targets match."}
      />
      <Group justify="space-between">
        <Text size="sm" c="dimmed" aria-live="polite">
          {loading ? "Loading…" : `${shown?.targets.total ?? 0} ${shown?.targets.total === 1 ? "target" : "targets"}`}
        </Text>
        <Pagination total={Math.max(1, Math.ceil((shown?.targets.total ?? 0) / PAGE_SIZE))} value={page} onChange={setPage} aria-label="Pages" />
      </Group>

      <Modal opened={creating} onClose={() => setCreating(false)} title="Create target" size="lg">
        {creating && (
          <TargetForm
            deviceTypes={deviceTypes}
            onCancel={() => setCreating(false)}
            onSubmit={async (values) => {
              const result = await createTarget({ variables: { input: values } });
              setCreating(false);
              if (result.data) void navigate(`/targets/${result.data.createTarget.id}`);
            }}
          />
        )}
      </Modal>

      <Modal opened={dialog === "delete"} onClose={() => setDialog(null)} title="Delete targets">
        <Stack>
          <Text>
            Delete {selected.length === 1 ? <b>{selected[0]?.name}</b> : `${selected.length} targets`}? They leave the list, jobs and groups; an admin can restore
            them.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDialog(null)}>
              Cancel
            </Button>
            <Button color="red" loading={busy} onClick={() => void bulkDelete()}>
              Delete {selected.length === 1 ? "target" : `${selected.length} targets`}
            </Button>
          </Group>
        </Stack>
      </Modal>

      <Modal opened={dialog === "tag"} onClose={() => setDialog(null)} title={`Tag ${selected.length} ${selected.length === 1 ? "target" : "targets"}`}>
        <Stack>
          <TagsInput label="Tags to add" description="Enter after each tag" value={bulkTags} error={bulkTagError} onChange={(tags) => { setBulkTags(tags); setBulkTagError(null); }} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDialog(null)}>
              Cancel
            </Button>
            <Button loading={busy} onClick={() => void bulkTag()}>
              Add tags
            </Button>
          </Group>
        </Stack>
      </Modal>

      <Modal opened={dialog === "group"} onClose={() => setDialog(null)} title="Save filter as group">
        <Stack>
          <TextInput label="Group name" value={groupName} error={groupError} onChange={(event) => setGroupName(event.currentTarget.value)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDialog(null)}>
              Cancel
            </Button>
            <Button onClick={() => void saveGroup()}>Save group</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
