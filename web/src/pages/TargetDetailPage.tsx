import { useMutation, useQuery } from "@apollo/client/react";
import { Alert, Badge, Button, Code, Group, Loader, Modal, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useNavigate, useParams } from "react-router";
import { useAuth } from "../auth";
import { NO_TRUNCATE } from "../components/DataTable";
import { serverError } from "../errors";
import {
  AcceptTargetHostKeyMutation,
  DeleteTargetMutation,
  TargetChoicesQuery,
  TargetDetailQuery,
  TestTargetConnectionMutation,
  UpdateTargetMutation,
} from "../operations.targets";
import { TargetForm } from "./targets/TargetForm";
import { HEALTH_COLOR } from "./targets/TargetsTable";

const HISTORY = 20;
const when = (value: string | null | undefined) => (value ? new Date(value).toLocaleString() : "never");

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

/** One target: its facts, connection methods with credential and host-key status, and health history. */
export function TargetDetailPage() {
  const { id = "" } = useParams();
  const { can } = useAuth();
  const navigate = useNavigate();
  const writable = can("targets:write");
  const { data, loading, error, refetch } = useQuery(TargetDetailQuery, { variables: { id, history: HISTORY } });
  const choices = useQuery(TargetChoicesQuery, { skip: !writable });
  const [updateTarget] = useMutation(UpdateTargetMutation);
  const [deleteTarget] = useMutation(DeleteTargetMutation);
  const [testConnection, testState] = useMutation(TestTargetConnectionMutation);
  const [acceptHostKey] = useMutation(AcceptTargetHostKeyMutation);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [notice, setNotice] = useState<{ color: string; text: string } | null>(null);

  const run = async (action: () => Promise<unknown>, done?: string) => {
    setNotice(null);
    try {
      await action();
      await refetch();
      if (done) setNotice({ color: "green", text: done });
    } catch (caught) {
      setNotice({ color: "red", text: serverError(caught).message });
    }
  };

  if (loading && !data) return <Loader aria-label="Loading" />;
  if (error) return <Alert color="red" role="alert">{serverError(error).message}</Alert>;
  const target = data?.target;
  if (!target) {
    return (
      <Stack>
        <Title order={1} size="h2">
          Target not found
        </Title>
        <Text>This target does not exist or was deleted.</Text>
      </Stack>
    );
  }

  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Title order={1} size="h2">
            {target.name}
          </Title>
          <Badge styles={NO_TRUNCATE} color={HEALTH_COLOR[target.healthStatus]} aria-label={`Health ${target.healthStatus.toLowerCase()}`}>
            {target.healthStatus.toLowerCase()}
          </Badge>
        </Group>
        {writable && (
          <Group>
            <Button
              variant="light"
              loading={testState.loading}
              onClick={() =>
                void run(async () => {
                  const check = (await testConnection({ variables: { id: target.id } })).data?.testTargetConnection;
                  await refetch();
                  if (check) {
                    setNotice(
                      check.ok
                        ? { color: "green", text: `Connected in ${check.latencyMs ?? "?"} ms${check.serverVersion ? ` (${check.serverVersion})` : ""}.` }
                        : { color: "red", text: `Connection failed (${(check.errorCategory ?? "error").toLowerCase()}): ${check.message ?? ""}` },
                    );
                  }
                })
              }
            >
              Test connection
            </Button>
            <Button variant="default" onClick={() => setEditing(true)}>
              Edit
            </Button>
            <Button color="red" variant="light" onClick={() => setDeleting(true)}>
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
      <Paper withBorder p="md">
        <SimpleGrid cols={4}>
          <Fact label="Serial">{target.serialNumber}</Fact>
          <Fact label="Address">
            {target.address}:{target.port}
          </Fact>
          <Fact label="OS">{target.osType.toLowerCase()}</Fact>
          <Fact label="Environment">{target.environment}</Fact>
          <Fact label="Device type">{target.deviceType?.name ?? "none"}</Fact>
          <Fact label="Tags">
            {target.tags.length === 0
              ? "none"
              : target.tags.map((tag) => (
                  <Badge styles={NO_TRUNCATE} key={tag} variant="outline" mr={4}>
                    {tag}
                  </Badge>
                ))}
          </Fact>
          <Fact label="Last checked">{when(target.lastCheckedAt)}</Fact>
          <Fact label="Created">
            {when(target.createdAt)}
            {target.createdBy ? ` by ${target.createdBy.username}` : ""}
          </Fact>
        </SimpleGrid>
        {target.description && (
          <Text mt="sm" size="sm">
            {target.description}
          </Text>
        )}
      </Paper>

      <Title order={2} size="h3">
        Connection methods
      </Title>
      {target.connectionMethods.length === 0 ? (
        <Text c="dimmed">No connection method: connection tests try a plain TCP connection to {target.address}:{target.port}.</Text>
      ) : (
        <Table aria-label="Connection methods" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Method</Table.Th>
              <Table.Th>Settings</Table.Th>
              <Table.Th>Credential</Table.Th>
              <Table.Th>Host key</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {target.connectionMethods.map((method) => {
              const settings = [
                method.username && `user ${method.username}`,
                method.https != null && (method.https ? "https" : "http"),
                method.authType && `auth ${method.authType}`,
                method.snmpVersion && `SNMP ${method.snmpVersion}`,
                method.basePath && `path ${method.basePath}`,
                method.tlsVerify === false && "TLS not verified",
              ].filter(Boolean);
              const credential = method.credential;
              return (
                <Table.Tr key={method.id}>
                  <Table.Td>
                    {method.type} :{method.port}{" "}
                    {method.isPrimary && (
                      <Badge styles={NO_TRUNCATE} size="sm" variant="light">
                        primary
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{settings.join(", ") || "defaults"}</Table.Td>
                  <Table.Td>
                    {credential ? (
                      <Stack gap={2}>
                        <Text size="sm">
                          {credential.name} ({credential.type.toLowerCase().replace(/_/g, " ")}
                          {credential.username ? `, ${credential.username}` : ""})
                        </Text>
                        <Group gap={4}>
                          <Badge styles={NO_TRUNCATE} size="sm" color={credential.hasSecret ? "green" : "orange"}>
                            {credential.hasSecret ? "secret stored" : "no secret"}
                          </Badge>
                          {credential.keyAlgorithm && <Badge styles={NO_TRUNCATE} size="sm" variant="outline">{credential.keyAlgorithm}</Badge>}
                        </Group>
                        {credential.publicKeyFingerprint && <Code>{credential.publicKeyFingerprint}</Code>}
                      </Stack>
                    ) : method.credentialId ? (
                      <Text size="sm" c="dimmed">
                        set (you may not read credentials)
                      </Text>
                    ) : (
                      <Text size="sm" c="dimmed">
                        none
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {method.type !== "SSH" ? (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    ) : method.pendingHostKeyFingerprint ? (
                      <Stack gap={4}>
                        <Badge styles={NO_TRUNCATE} color="red">
                          host key changed
                        </Badge>
                        <Text size="xs">Trusted: {method.hostKeyFingerprint ? <Code>{method.hostKeyFingerprint}</Code> : "none"}</Text>
                        <Text size="xs">
                          Offered: <Code>{method.pendingHostKeyFingerprint}</Code>
                        </Text>
                        {writable && (
                          <Button size="xs" color="orange" onClick={() => void run(() => acceptHostKey({ variables: { methodId: method.id } }), "The new host key is trusted.")}>
                            Accept new key
                          </Button>
                        )}
                      </Stack>
                    ) : method.hostKeyFingerprint ? (
                      <Stack gap={4}>
                        <Badge styles={NO_TRUNCATE} color="green">
                          trusted
                        </Badge>
                        <Code>{method.hostKeyFingerprint}</Code>
                      </Stack>
                    ) : (
                      <Badge styles={NO_TRUNCATE} color="gray">
                        not seen yet
                      </Badge>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}

      <Title order={2} size="h3">
        Health history
      </Title>
      {target.checkHistory.length === 0 ? (
        <Text c="dimmed">Not tested yet.</Text>
      ) : (
        <Table aria-label="Health history" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Checked</Table.Th>
              <Table.Th>Method</Table.Th>
              <Table.Th>Result</Table.Th>
              <Table.Th>Latency</Table.Th>
              <Table.Th>Details</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {target.checkHistory.map((check) => (
              <Table.Tr key={check.id}>
                <Table.Td>{when(check.checkedAt)}</Table.Td>
                <Table.Td>{check.methodType ?? "TCP"}</Table.Td>
                <Table.Td>
                  <Badge styles={NO_TRUNCATE} color={check.ok ? "green" : "red"}>
                    {check.ok ? "ok" : (check.errorCategory ?? "failed").toLowerCase()}
                  </Badge>
                </Table.Td>
                <Table.Td>{check.latencyMs != null ? `${check.latencyMs} ms` : ""}</Table.Td>
                <Table.Td>{check.ok ? (check.serverVersion ?? "") : (check.message ?? "")}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      <Modal opened={editing} onClose={() => setEditing(false)} title={`Edit ${target.name}`} size="lg">
        {editing && (
          <TargetForm
            target={target}
            deviceTypes={choices.data?.deviceTypes ?? []}
            onCancel={() => setEditing(false)}
            onSubmit={async (values) => {
              await updateTarget({ variables: { id: target.id, input: values } });
              setEditing(false);
              await refetch();
            }}
          />
        )}
      </Modal>

      <Modal opened={deleting} onClose={() => setDeleting(false)} title="Delete target">
        <Stack>
          <Text>
            Delete <b>{target.name}</b>? It leaves the list, jobs and groups; an admin can restore it.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              onClick={() =>
                void run(async () => {
                  await deleteTarget({ variables: { id: target.id } });
                  setDeleting(false);
                  void navigate("/targets");
                })
              }
            >
              Delete target
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
