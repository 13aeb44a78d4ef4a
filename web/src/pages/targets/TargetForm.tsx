import { OS_TYPES, targetFormProblems, type TargetFormValues } from "@opsconductor/kit/rules";
import { Alert, Button, Group, NumberInput, Select, SimpleGrid, Stack, TagsInput, Textarea, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { fieldName, serverError } from "../../errors";
import type { OsType, TargetListFieldsFragment } from "../../gql/graphql";

/** What the form sends: the create input, or every field of an update (description "" clears it). */
export interface TargetFormOutput {
  name: string;
  address: string;
  port: number;
  osType: OsType;
  environment: string;
  tags: string[];
  description: string | null;
  deviceTypeId: string | null;
}

interface Props {
  /** Editing this target; creating when absent. */
  target?: TargetListFieldsFragment;
  deviceTypes: ReadonlyArray<{ id: string; name: string }>;
  onSubmit(values: TargetFormOutput): Promise<unknown>;
  onCancel(): void;
}

type Field = keyof TargetFormValues | "deviceTypeId";

/**
 * Create or edit a target. The fields are checked before sending by the rules the targets service
 * enforces (@opsconductor/kit/rules); a server error naming a field (`extensions.field`) lands on that field.
 */
export function TargetForm({ target, deviceTypes, onSubmit, onCancel }: Props) {
  const [values, setValues] = useState<TargetFormValues>({
    name: target?.name ?? "",
    address: target?.address ?? "",
    port: target?.port ?? 22,
    osType: target?.osType ?? "LINUX",
    environment: target?.environment ?? "production",
    tags: target?.tags ?? [],
    description: target?.description ?? "",
  });
  const [deviceTypeId, setDeviceTypeId] = useState<string | null>(target?.deviceType?.id ?? null);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof TargetFormValues>(key: K, value: TargetFormValues[K]) => {
    setValues((old) => ({ ...old, [key]: value }));
    setErrors((old) => ({ ...old, [key]: undefined }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems = targetFormProblems(values);
    setErrors(problems);
    setFormError(null);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      await onSubmit({
        name: values.name.trim(),
        address: values.address.trim(),
        port: Number(values.port),
        osType: values.osType as OsType,
        environment: values.environment.trim().toLowerCase(),
        tags: [...values.tags],
        description: values.description.trim() || null,
        deviceTypeId,
      });
    } catch (caught) {
      const problem = serverError(caught);
      const field = fieldName(problem.field) as Field | undefined;
      const text = problem.message.replace(/^[\w.]+: /, "");
      if (field && (field in values || field === "deviceTypeId")) setErrors({ [field]: text });
      else setFormError(problem.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-label={target ? `Edit ${target.name}` : "Create target"}>
      <Stack>
        {formError && (
          <Alert color="red" role="alert">
            {formError}
          </Alert>
        )}
        <TextInput label="Name" required value={values.name} error={errors.name} onChange={(event) => set("name", event.currentTarget.value)} />
        <SimpleGrid cols={2}>
          <TextInput
            label="Address"
            required
            description="IPv4/IPv6 address or hostname"
            value={values.address}
            error={errors.address}
            onChange={(event) => set("address", event.currentTarget.value)}
          />
          <NumberInput label="Port" required min={1} max={65535} allowDecimal={false} value={values.port} error={errors.port} onChange={(value) => set("port", value)} />
        </SimpleGrid>
        <SimpleGrid cols={2}>
          <Select
            label="OS"
            allowDeselect={false}
            data={OS_TYPES.map((value) => ({ value, label: value.toLowerCase() }))}
            value={values.osType}
            error={errors.osType}
            onChange={(value) => set("osType", value ?? "LINUX")}
          />
          <TextInput label="Environment" value={values.environment} error={errors.environment} onChange={(event) => set("environment", event.currentTarget.value)} />
        </SimpleGrid>
        <TagsInput label="Tags" description="Enter after each tag" value={[...values.tags]} error={errors.tags} onChange={(tags) => set("tags", tags)} />
        <Select
          label="Device type"
          placeholder="None"
          clearable
          data={deviceTypes.map((type) => ({ value: type.id, label: type.name }))}
          value={deviceTypeId}
          error={errors.deviceTypeId}
          onChange={setDeviceTypeId}
        />
        <Textarea label="Description" autosize minRows={2} value={values.description} error={errors.description} onChange={(event) => set("description", event.currentTarget.value)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            {target ? "Save" : "Create target"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
