import { useMutation, useQuery } from "@apollo/client/react";
import { Alert, Button, Group, Modal, Pagination, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import type { SortingState } from "@tanstack/react-table";
import { useEffect, useState } from "react";
import { useSearchParams } from "react-router";
import { useAuth } from "../auth";
import { serverError } from "../errors";
import type { Role, UserRowFieldsFragment, UserSortField } from "../gql/graphql";
import { ActivateUserMutation, CreateUserMutation, DeactivateUserMutation, DeleteUserMutation, UpdateUserMutation, UsersQuery } from "../operations";
import { ROLES, UserForm } from "./UserForm";
import { SORTABLE, UsersTable } from "./UsersTable";

const PAGE_SIZE = 25;

export function UsersPage() {
  const { can } = useAuth();
  const [params] = useSearchParams();
  const [search, setSearch] = useState(() => params.get("search") ?? "");
  // The global search opens this screen with ?search=<username>, also while it is already open.
  useEffect(() => {
    const wanted = params.get("search");
    if (wanted !== null) setSearch(wanted);
  }, [params]);
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const [role, setRole] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [sorting, setSorting] = useState<SortingState>([{ id: "username", desc: false }]);
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<UserRowFieldsFragment | "new" | null>(null);
  const [deleting, setDeleting] = useState<UserRowFieldsFragment | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const sort = sorting[0];
  const variables = {
    filter: {
      search: debouncedSearch || undefined,
      role: (role as Role | null) ?? undefined,
      isActive: status === null ? undefined : status === "active",
    },
    sort: { field: (SORTABLE[sort?.id as keyof typeof SORTABLE] ?? "USERNAME") as UserSortField, direction: sort?.desc ? ("DESC" as const) : ("ASC" as const) },
    pagination: { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE },
  };
  const { data, previousData, loading, error, refetch } = useQuery(UsersQuery, { variables, notifyOnNetworkStatusChange: true });
  const shown = data ?? previousData;
  const pages = Math.max(1, Math.ceil((shown?.users.total ?? 0) / PAGE_SIZE));

  const [createUser] = useMutation(CreateUserMutation);
  const [updateUser] = useMutation(UpdateUserMutation);
  const [deactivate] = useMutation(DeactivateUserMutation);
  const [activate] = useMutation(ActivateUserMutation);
  const [deleteUser] = useMutation(DeleteUserMutation);

  const writable = can("users:write");
  const run = async (action: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await action();
      await refetch();
    } catch (caught) {
      setActionError(serverError(caught).message.replace(/^id: /, ""));
    }
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Users
        </Title>
        {writable && <Button onClick={() => setEditing("new")}>Create user</Button>}
      </Group>
      <Group>
        <TextInput
          label="Search"
          placeholder="Username, email or name"
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            setPage(1);
          }}
        />
        <Select label="Role" placeholder="Any role" clearable data={ROLES.map((value) => ({ value, label: value.toLowerCase() }))} value={role} onChange={(value) => { setRole(value); setPage(1); }} />
        <Select label="Status" placeholder="Any status" clearable data={[{ value: "active", label: "active" }, { value: "inactive", label: "inactive" }]} value={status} onChange={(value) => { setStatus(value); setPage(1); }} />
      </Group>
      {actionError && (
        <Alert color="red" role="alert" withCloseButton onClose={() => setActionError(null)} title="Not done">
          {actionError}
        </Alert>
      )}
      {error && (
        <Alert color="red" role="alert">
          {serverError(error).message}
        </Alert>
      )}
      <UsersTable
        users={shown?.users.items ?? []}
        sorting={sorting}
        onSortingChange={(next) => {
          setSorting(next);
          setPage(1);
        }}
        actions={
          writable
            ? {
                onEdit: (user) => setEditing(user),
                onToggleActive: (user) => void run(() => (user.isActive ? deactivate({ variables: { id: user.id } }) : activate({ variables: { id: user.id } }))),
                onDelete: (user) => setDeleting(user),
              }
            : undefined
        }
      />
      <Group justify="space-between">
        <Text size="sm" c="dimmed" aria-live="polite">
          {loading ? "Loading…" : `${shown?.users.total ?? 0} ${shown?.users.total === 1 ? "user" : "users"}`}
        </Text>
        <Pagination total={pages} value={page} onChange={setPage} aria-label="Pages" />
      </Group>

      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing === "new" ? "Create user" : `Edit ${editing?.username ?? ""}`}>
        {editing !== null && (
          <UserForm
            user={editing === "new" ? undefined : editing}
            onCancel={() => setEditing(null)}
            onSubmit={async (values) => {
              if (editing === "new") await createUser({ variables: { input: { username: values.username.trim(), email: values.email.trim(), displayName: values.displayName.trim(), roles: values.roles, password: values.password } } });
              else await updateUser({ variables: { id: editing.id, input: { email: values.email.trim(), displayName: values.displayName.trim(), roles: values.roles } } });
              setEditing(null);
              await refetch();
            }}
          />
        )}
      </Modal>

      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title="Delete user">
        <Stack>
          <Text>
            Delete <b>{deleting?.username}</b> permanently? This cannot be undone.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(null)}>
              Cancel
            </Button>
            <Button
              color="red"
              onClick={() => {
                const user = deleting;
                setDeleting(null);
                if (user) void run(() => deleteUser({ variables: { id: user.id } }));
              }}
            >
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
