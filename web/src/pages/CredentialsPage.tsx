import { useMutation, useQuery } from "@apollo/client/react";
import { Alert, Badge, Button, Group, Modal, Pagination, Stack, Text, Title } from "@mantine/core";
import { getCoreRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useAuth } from "../auth";
import { DataTable, NO_TRUNCATE } from "../components/DataTable";
import { serverError } from "../errors";
import type { CreateCredentialInput, CredentialRowFieldsFragment } from "../gql/graphql";
import { CreateCredentialMutation, CredentialsQuery, DeleteCredentialMutation, UpdateCredentialMutation } from "../operations.credentials";
import { CredentialForm, typeLabel } from "./CredentialForm";

const PAGE_SIZE = 50;

/** What a credential holds, without the secret: which secret fields are set, and an SSH key's fingerprint. */
function secretSummary(credential: CredentialRowFieldsFragment) {
  if (!credential.hasSecret) return <Badge color="red" styles={NO_TRUNCATE}>missing</Badge>;
  return (
    <Stack gap={2}>
      <Text size="sm">{credential.secretFields.join(", ")} stored</Text>
      {credential.publicKeyFingerprint && (
        <Text size="xs" ff="monospace">
          {credential.keyAlgorithm} {credential.publicKeyFingerprint}
        </Text>
      )}
    </Stack>
  );
}

interface TableProps {
  credentials: CredentialRowFieldsFragment[];
  canWrite: boolean;
  loading: boolean;
  onRotate(credential: CredentialRowFieldsFragment): void;
  onDelete(credential: CredentialRowFieldsFragment): void;
}

/** The credentials list (secrets are never part of it: the API has none to give). */
export function CredentialsTable({ credentials, canWrite, loading, onRotate, onDelete }: TableProps) {
  const columns = useMemo<ColumnDef<CredentialRowFieldsFragment>[]>(
    () => [
      { id: "name", header: "Name", accessorKey: "name" },
      { id: "type", header: "Type", accessorFn: (credential) => typeLabel(credential.type) },
      { id: "username", header: "Username", accessorFn: (credential) => credential.username ?? "—" },
      { id: "secret", header: "Secret", cell: ({ row }) => secretSummary(row.original) },
      { id: "lastUsed", header: "Last used", accessorFn: (credential) => (credential.lastUsedAt ? new Date(credential.lastUsedAt).toLocaleString() : "never") },
      ...(canWrite
        ? [
            {
              id: "actions",
              header: "Actions",
              cell: ({ row }) => (
                <Group gap="xs" wrap="nowrap">
                  <Button size="xs" variant="default" aria-label={`Rotate ${row.original.name}`} onClick={() => onRotate(row.original)}>
                    Rotate
                  </Button>
                  <Button size="xs" variant="default" aria-label={`Delete ${row.original.name}`} onClick={() => onDelete(row.original)}>
                    Delete
                  </Button>
                </Group>
              ),
            } satisfies ColumnDef<CredentialRowFieldsFragment>,
          ]
        : []),
    ],
    [canWrite, onRotate, onDelete],
  );
  const table = useReactTable({ data: credentials, columns, enableSorting: false, getCoreRowModel: getCoreRowModel(), getRowId: (credential) => credential.id });
  return <DataTable table={table} label="Credentials" empty={loading ? undefined : "No credentials yet."} />;
}

/** Credentials: list (credentials:read), create, rotate the secret, delete (targets:write). */
export function CredentialsPage() {
  const { can } = useAuth();
  const canWrite = can("targets:write");
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<CredentialRowFieldsFragment | "new" | null>(null);
  const [deleting, setDeleting] = useState<CredentialRowFieldsFragment | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const { data, previousData, loading, error, refetch } = useQuery(CredentialsQuery, {
    variables: { pagination: { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE } },
    notifyOnNetworkStatusChange: true,
  });
  const shown = data ?? previousData;
  const [createCredential] = useMutation(CreateCredentialMutation);
  const [updateCredential] = useMutation(UpdateCredentialMutation);
  const [deleteCredential, { loading: deletingNow }] = useMutation(DeleteCredentialMutation);
  const onRotate = useMemo(() => (credential: CredentialRowFieldsFragment) => setEditing(credential), []);
  const onDelete = useMemo(
    () => (credential: CredentialRowFieldsFragment) => {
      setDeleteError(null);
      setDeleting(credential);
    },
    [],
  );

  const confirmDelete = async () => {
    if (!deleting) return;
    try {
      await deleteCredential({ variables: { id: deleting.id } });
      setNotice(`Deleted ${deleting.name}.`);
      setDeleting(null);
      await refetch();
    } catch (caught) {
      // CONFLICT while a connection method uses it: the server's message names the targets.
      setDeleteError(serverError(caught).message);
    }
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Credentials
        </Title>
        {canWrite && <Button onClick={() => setEditing("new")}>Create credential</Button>}
      </Group>
      <Text size="sm" c="dimmed">
        Secrets are encrypted when saved and never shown again; rotate one to replace it.
      </Text>
      {error && (
        <Alert color="red" role="alert">
          {serverError(error).message}
        </Alert>
      )}
      {notice && (
        <Alert color="green" role="status" withCloseButton closeButtonLabel="Dismiss" onClose={() => setNotice(null)}>
          {notice}
        </Alert>
      )}
      <CredentialsTable credentials={shown?.credentials.items ?? []} canWrite={canWrite} loading={loading} onRotate={onRotate} onDelete={onDelete} />
      <Group justify="space-between">
        <Text size="sm" c="dimmed" aria-live="polite">
          {loading ? "Loading…" : `${shown?.credentials.total ?? 0} ${shown?.credentials.total === 1 ? "credential" : "credentials"}`}
        </Text>
        <Pagination total={Math.max(1, Math.ceil((shown?.credentials.total ?? 0) / PAGE_SIZE))} value={page} onChange={setPage} aria-label="Pages" />
      </Group>

      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing === "new" ? "Create credential" : `Rotate the secret of ${editing?.name ?? ""}`} size="lg">
        {editing !== null && (
          <CredentialForm
            rotating={editing === "new" ? undefined : editing}
            onCancel={() => setEditing(null)}
            onSubmit={async (input) => {
              if (editing === "new") {
                const { data: created } = await createCredential({ variables: { input: input as unknown as CreateCredentialInput } });
                setNotice(`Created ${created?.createCredential.name ?? "the credential"}.`);
              } else {
                await updateCredential({ variables: { id: editing.id, input } });
                setNotice(`Rotated the secret of ${editing.name}.`);
              }
              setEditing(null);
              await refetch();
            }}
          />
        )}
      </Modal>

      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title={`Delete ${deleting?.name ?? ""}?`}>
        <Stack>
          <Text>The credential and its encrypted secret are deleted. A credential still used by a connection method cannot be deleted.</Text>
          {deleteError && (
            <Alert color="red" role="alert">
              {deleteError}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(null)}>
              Cancel
            </Button>
            <Button color="red" loading={deletingNow} onClick={() => void confirmDelete()}>
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
