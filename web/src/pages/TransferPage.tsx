import { useApolloClient, useMutation } from "@apollo/client/react";
import { Alert, Button, Divider, FileInput, Group, Progress, SegmentedControl, Select, Stack, Stepper, Text, TextInput, Title } from "@mantine/core";
import { getCoreRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { useAuth } from "../auth";
import { DataTable } from "../components/DataTable";
import { serverError } from "../errors";
import { readText } from "../files";
import type { ImportTargetsMutation as ImportResult, OsType, TargetFilter, TransferFormat } from "../gql/graphql";
import { ExportTargetsQuery, ImportTargetsMutation } from "../operations.transfer";

type Report = ImportResult["importTargets"];
type Problem = Report["errors"][number];
const OS_TYPES: OsType[] = ["LINUX", "WINDOWS", "NETWORK", "OTHER"];
/** Checked before a file is read into the page (the server itself takes at most 5,000 rows). */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

export const formatOf = (fileName: string): TransferFormat => (fileName.toLowerCase().endsWith(".json") ? "JSON" : "CSV");

/** The dry run's problems, one row each: data row (0 = the file itself), column, message. */
export function ImportProblemsTable({ problems }: { problems: readonly Problem[] }) {
  const columns = useMemo<ColumnDef<Problem>[]>(
    () => [
      { id: "row", header: "Row", accessorFn: (problem) => (problem.row === 0 ? "file" : String(problem.row)) },
      { id: "field", header: "Field", accessorKey: "field" },
      { id: "message", header: "Message", accessorKey: "message" },
    ],
    [],
  );
  const table = useReactTable({ data: problems as Problem[], columns, enableSorting: false, getCoreRowModel: getCoreRowModel() });
  return <DataTable table={table} label="Import problems" empty="No problems found." />;
}

/** The filter of an export, from the URL (`?search=&environment=&osType=&tags=a,b`) so a list can link "export these". */
function filterFromParams(params: URLSearchParams) {
  return {
    search: params.get("search") ?? "",
    environment: params.get("environment") ?? "",
    osType: params.get("osType"),
    tags: params.get("tags") ?? "",
  };
}

function ExportSection() {
  const client = useApolloClient();
  const [params] = useSearchParams();
  const [filter, setFilter] = useState(() => filterFromParams(params));
  const [format, setFormat] = useState<TransferFormat>("CSV");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const exportTargets = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    const tags = filter.tags.split(/[,;]/).map((tag) => tag.trim()).filter(Boolean);
    const variables: { filter: TargetFilter; format: TransferFormat } = {
      format,
      filter: {
        search: filter.search.trim() || undefined,
        environment: filter.environment.trim().toLowerCase() || undefined,
        osType: (filter.osType as OsType | null) ?? undefined,
        tags: tags.length ? tags : undefined,
      },
    };
    try {
      const { data } = await client.query({ query: ExportTargetsQuery, variables, fetchPolicy: "no-cache" });
      if (!data) throw new Error("no data");
      const file = new Blob([data.exportTargets.content], { type: data.exportTargets.contentType });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(file);
      link.download = `targets.${format.toLowerCase()}`;
      link.click();
      URL.revokeObjectURL(link.href);
      setResult(`Exported ${data.exportTargets.count} ${data.exportTargets.count === 1 ? "target" : "targets"} as ${format}.`);
    } catch (caught) {
      setError(serverError(caught).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack component="section" aria-labelledby="export-title">
      <Title id="export-title" order={2} size="h3">
        Export
      </Title>
      <Text size="sm" c="dimmed">
        The targets matching this filter (all of them when it is empty), without secrets: targets hold none.
      </Text>
      <Group align="flex-end">
        <TextInput label="Search" value={filter.search} onChange={(event) => setFilter({ ...filter, search: event.currentTarget.value })} />
        <TextInput label="Environment" value={filter.environment} onChange={(event) => setFilter({ ...filter, environment: event.currentTarget.value })} />
        <Select label="OS" placeholder="Any OS" clearable data={OS_TYPES.map((value) => ({ value, label: value.toLowerCase() }))} value={filter.osType} onChange={(osType) => setFilter({ ...filter, osType })} />
        <TextInput label="Tags" placeholder="web, prod" value={filter.tags} onChange={(event) => setFilter({ ...filter, tags: event.currentTarget.value })} />
        <SegmentedControl aria-label="Export format" data={["CSV", "JSON"]} value={format} onChange={(value) => setFormat(value as TransferFormat)} />
        <Button loading={busy} onClick={() => void exportTargets()}>
          Export
        </Button>
      </Group>
      {result && (
        <Alert color="green" role="status">
          {result}
        </Alert>
      )}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
    </Stack>
  );
}

type Stage = "choose" | "checked" | "importing" | "done";

function ImportSection() {
  const [file, setFile] = useState<File | null>(null);
  const [content, setContent] = useState("");
  const [format, setFormat] = useState<TransferFormat>("CSV");
  const [report, setReport] = useState<Report | null>(null);
  const [stage, setStage] = useState<Stage>("choose");
  const [error, setError] = useState<string | null>(null);
  const [runImport, { loading }] = useMutation(ImportTargetsMutation);

  const choose = async (chosen: File | null) => {
    setFile(chosen);
    setReport(null);
    setError(null);
    setStage("choose");
    if (!chosen) return setContent("");
    if (chosen.size > MAX_FILE_BYTES) {
      setContent("");
      return setError(`${chosen.name} is larger than 5 MB; split it into files of at most 5,000 rows`);
    }
    setFormat(formatOf(chosen.name));
    setContent(await readText(chosen));
  };

  const send = async (dryRun: boolean) => {
    setError(null);
    if (!dryRun) setStage("importing");
    try {
      const { data } = await runImport({ variables: { input: { format, content, dryRun } } });
      if (!data) throw new Error("no data");
      setReport(data.importTargets);
      setStage(dryRun ? "checked" : data.importTargets.ok ? "done" : "checked");
    } catch (caught) {
      setError(serverError(caught).message);
      setStage(dryRun ? "choose" : "checked");
    }
  };

  const step = { choose: 0, checked: 1, importing: 2, done: 3 }[stage];
  return (
    <Stack component="section" aria-labelledby="import-title">
      <Title id="import-title" order={2} size="h3">
        Import
      </Title>
      <Text size="sm" c="dimmed">
        A CSV file with a header row (name, address, port, osType, environment, tags separated by “;”, description) or a JSON array of the
        same fields, up to 5,000 rows. Every row is checked first; the import writes all rows or none.
      </Text>
      <Stepper active={step} size="sm" aria-label="Import progress">
        <Stepper.Step label="Choose a file" />
        <Stepper.Step label="Dry run" />
        <Stepper.Step label="Import" loading={stage === "importing"} />
      </Stepper>
      <Group align="flex-end">
        <FileInput label="Targets file (CSV or JSON)" accept=".csv,.json,text/csv,application/json" clearable value={file} onChange={(chosen) => void choose(chosen)} w={320} />
        <SegmentedControl aria-label="File format" data={["CSV", "JSON"]} value={format} onChange={(value) => setFormat(value as TransferFormat)} />
        <Button variant="default" disabled={!content || loading} loading={loading && stage !== "importing"} onClick={() => void send(true)}>
          Check file (dry run)
        </Button>
        <Button disabled={!report?.ok || !report.dryRun || loading} onClick={() => void send(false)}>
          {report?.ok && report.dryRun ? `Import ${report.valid} ${report.valid === 1 ? "target" : "targets"}` : "Import"}
        </Button>
      </Group>
      {stage === "importing" && <Progress value={100} striped animated aria-label="Importing" />}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {report && (
        <Stack gap="xs">
          <Text aria-live="polite" fw={500}>
            {report.dryRun
              ? report.ok
                ? `Dry run: all ${report.total} rows are valid. Nothing was written yet.`
                : `Dry run: ${report.errors.length} ${report.errors.length === 1 ? "problem" : "problems"} in ${report.total} rows (${report.valid} valid). Nothing was written; fix the file and check it again.`
              : report.ok
                ? `Imported ${report.created} ${report.created === 1 ? "target" : "targets"}.`
                : `Nothing was imported: ${report.errors.length} ${report.errors.length === 1 ? "problem" : "problems"}.`}
          </Text>
          {stage === "done" && <Progress value={100} color="green" aria-label="Import finished" />}
          {report.errors.length > 0 && <ImportProblemsTable problems={report.errors} />}
        </Stack>
      )}
    </Stack>
  );
}

/** Import (targets:write) and export (targets:read) of targets as CSV or JSON. */
export function TransferPage() {
  const { can } = useAuth();
  return (
    <Stack>
      <Title order={1} size="h2">
        Import and export targets
      </Title>
      {can("targets:write") && (
        <>
          <ImportSection />
          <Divider />
        </>
      )}
      <ExportSection />
    </Stack>
  );
}
