import { useSubscription } from "@apollo/client/react";
import { useEffect } from "react";
import { Alert, Badge, Group, Progress, Stack, Table, Text } from "@mantine/core";
import type { ConnectionTestBatchFieldsFragment } from "../../gql/graphql";
import { ConnectionTestBatchUpdatedSubscription } from "../../operations.targets";

interface Props {
  /** The batch as the starting mutation returned it. */
  batch: ConnectionTestBatchFieldsFragment;
  /** Names of the tested targets, in the order they were selected. */
  names: ReadonlyArray<{ id: string; name: string }>;
  /** Called once when every target is tested (the list then shows the new health). */
  onFinished?(): void;
}

/** A bulk connection test: live progress (connectionTestBatchUpdated over graphql-ws) and one row per target. */
export function ConnectionTestProgress({ batch: started, names, onFinished }: Props) {
  const { data } = useSubscription(ConnectionTestBatchUpdatedSubscription, { variables: { batchId: started.id } });
  const batch = data?.connectionTestBatchUpdated ?? started;
  const finished = batch.finishedAt != null;
  useEffect(() => {
    if (finished) onFinished?.();
    // Once per batch: a new callback identity must not report the same batch again.
  }, [finished]);
  return <ConnectionTestReport batch={batch} names={names} />;
}

/** The report itself (no network): a progress bar and the per-target results. */
export function ConnectionTestReport({ batch, names }: Omit<Props, "onFinished">) {
  const percent = batch.total === 0 ? 100 : Math.round((batch.done / batch.total) * 100);
  const byTarget = new Map(batch.results.map((result) => [result.targetId, result]));
  const finished = batch.finishedAt != null || batch.done >= batch.total;
  return (
    <Stack gap="xs" aria-label="Connection test">
      <Group justify="space-between">
        <Text fw={600}>{finished ? "Connection test finished" : "Testing connections…"}</Text>
        <Text size="sm" aria-live="polite">
          {batch.done} of {batch.total} tested · {batch.ok} ok · {batch.failed} failed
        </Text>
      </Group>
      <Progress.Root size="lg">
        <Progress.Section value={batch.total ? (batch.ok / batch.total) * 100 : 0} color="green" aria-label="Connected" />
        <Progress.Section value={batch.total ? (batch.failed / batch.total) * 100 : 0} color="red" aria-label="Failed" />
      </Progress.Root>
      <Text size="xs" c="dimmed">
        {percent}% done
      </Text>
      {batch.error && (
        <Alert color="orange" role="alert">
          {batch.error}
        </Alert>
      )}
      <Table aria-label="Connection test results" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Target</Table.Th>
            <Table.Th>Result</Table.Th>
            <Table.Th>Latency</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {names.map(({ id, name }) => {
            const result = byTarget.get(id);
            return (
              <Table.Tr key={id}>
                <Table.Td>{name}</Table.Td>
                <Table.Td>
                  {result ? <Badge color={result.ok ? "green" : "red"}>{result.ok ? "ok" : (result.errorCategory ?? "failed").toLowerCase()}</Badge> : <Badge color="gray">pending</Badge>}
                </Table.Td>
                <Table.Td>{result?.latencyMs != null ? `${result.latencyMs} ms` : ""}</Table.Td>
                <Table.Td>{result ? (result.ok ? (result.serverVersion ?? "") : (result.message ?? "")) : ""}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
