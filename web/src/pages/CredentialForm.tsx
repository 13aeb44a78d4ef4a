import { Alert, Button, FileButton, Group, PasswordInput, Select, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { fieldName, serverError } from "../errors";
import { readText } from "../files";
import type { CredentialRowFieldsFragment, CredentialType } from "../gql/graphql";

export const CREDENTIAL_TYPES: { value: CredentialType; label: string }[] = [
  { value: "PASSWORD", label: "Password" },
  { value: "SSH_KEY", label: "SSH key" },
  { value: "SNMP_COMMUNITY", label: "SNMP community" },
  { value: "SNMP_V3", label: "SNMP v3" },
  { value: "API_TOKEN", label: "API token" },
];
export const typeLabel = (type: CredentialType) => CREDENTIAL_TYPES.find((entry) => entry.value === type)?.label ?? type;

/** Every field the form can send; only those of the chosen type go to the server. */
export interface CredentialFormValues {
  name: string;
  type: CredentialType;
  username: string;
  description: string;
  password: string;
  privateKey: string;
  passphrase: string;
  community: string;
  token: string;
  securityLevel: string;
  authProtocol: string;
  authPassword: string;
  privProtocol: string;
  privPassword: string;
}
type Field = keyof CredentialFormValues;

/** The secret fields each type takes (write-only: the form starts them empty, rotation replaces them). */
export const SECRETS_OF: Record<CredentialType, Field[]> = {
  PASSWORD: ["password"],
  SSH_KEY: ["privateKey", "passphrase"],
  SNMP_COMMUNITY: ["community"],
  SNMP_V3: ["authPassword", "privPassword"],
  API_TOKEN: ["token"],
};
/** Secrets that must be given when creating (or rotating) a credential of the type, as the server checks. */
const REQUIRED_SECRETS: Record<CredentialType, Field[]> = {
  PASSWORD: ["password"],
  SSH_KEY: ["privateKey"],
  SNMP_COMMUNITY: ["community"],
  SNMP_V3: [],
  API_TOKEN: ["token"],
};
const SNMP_LEVELS = ["authPriv", "authNoPriv", "noAuthNoPriv"];
const AUTH_PROTOCOLS = ["SHA256", "SHA", "SHA224", "SHA384", "SHA512", "MD5"];
const PRIV_PROTOCOLS = ["AES", "AES192", "AES256", "DES"];

const EMPTY: CredentialFormValues = {
  name: "",
  type: "PASSWORD",
  username: "",
  description: "",
  password: "",
  privateKey: "",
  passphrase: "",
  community: "",
  token: "",
  securityLevel: "authPriv",
  authProtocol: "SHA256",
  authPassword: "",
  privProtocol: "AES",
  privPassword: "",
};

/** The input the server takes: the type's fields only, empty optional ones left out. */
export function credentialInput(values: CredentialFormValues, mode: "create" | "rotate"): Record<string, string> {
  const input: Record<string, string> = {};
  const put = (field: Field) => {
    if (values[field] !== "") input[field] = values[field];
  };
  if (mode === "create") {
    input.name = values.name.trim();
    input.type = values.type;
    if (values.username.trim()) input.username = values.username.trim();
    if (values.description.trim()) input.description = values.description.trim();
    if (values.type === "SNMP_V3") ["securityLevel", "authProtocol", "privProtocol"].forEach((field) => put(field as Field));
  }
  for (const field of SECRETS_OF[values.type]) {
    if (values.type === "SNMP_V3" && field === "privPassword" && values.securityLevel !== "authPriv") continue;
    if (values.type === "SNMP_V3" && field === "authPassword" && values.securityLevel === "noAuthNoPriv") continue;
    put(field);
  }
  return input;
}

interface Props {
  /** Rotating this credential's secret; creating a new credential when absent. */
  rotating?: CredentialRowFieldsFragment;
  onSubmit(input: Record<string, string>): Promise<unknown>;
  onCancel(): void;
}

/**
 * Create a credential, or rotate one's secret. Secrets are typed or pasted (an SSH key may also come from a
 * file), sent once, and never shown again: the form starts them empty. A server error naming a field
 * (`extensions.field`) is shown on that field.
 */
export function CredentialForm({ rotating, onSubmit, onCancel }: Props) {
  const [values, setValues] = useState<CredentialFormValues>({ ...EMPTY, type: rotating?.type ?? "PASSWORD", securityLevel: rotating?.securityLevel ?? "authPriv" });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [keyFile, setKeyFile] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: Field, value: string) => setValues((old) => ({ ...old, [field]: value }));
  const mode = rotating ? "rotate" : "create";
  const type = values.type;

  const readKeyFile = async (file: File | null) => {
    if (!file) return;
    if (file.size > 64 * 1024) {
      setErrors((old) => ({ ...old, privateKey: "This file is too large to be a private key" }));
      return;
    }
    set("privateKey", await readText(file));
    setKeyFile(file.name);
    setErrors((old) => ({ ...old, privateKey: undefined }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local: typeof errors = {};
    if (mode === "create" && !values.name.trim()) local.name = "Required";
    if (mode === "create" && (type === "PASSWORD" || type === "SNMP_V3") && !values.username.trim()) local.username = "Required";
    for (const field of REQUIRED_SECRETS[type]) if (!values[field]) local[field] = "Required";
    if (type === "SNMP_V3" && values.securityLevel !== "noAuthNoPriv" && !values.authPassword) local.authPassword = "Required";
    if (type === "SNMP_V3" && values.securityLevel === "authPriv" && !values.privPassword) local.privPassword = "Required";
    if (mode === "rotate" && Object.keys(credentialInput(values, "rotate")).length === 0) setFormError("Enter the new secret");
    setErrors(local);
    if (Object.keys(local).length > 0 || (mode === "rotate" && Object.keys(credentialInput(values, "rotate")).length === 0)) return;
    setFormError(null);
    setBusy(true);
    try {
      await onSubmit(credentialInput(values, mode));
    } catch (caught) {
      const problem = serverError(caught);
      const field = fieldName(problem.field) as Field | undefined;
      const text = problem.message.replace(/^[\w.]+: /, "");
      if (field && field in values) setErrors({ [field]: text });
      else setFormError(problem.message);
    } finally {
      setBusy(false);
    }
  };

  const secret = (field: Field, label: string, description?: string) => (
    <PasswordInput key={field} label={label} description={description} autoComplete="new-password" value={values[field]} error={errors[field]} onChange={(event) => set(field, event.currentTarget.value)} />
  );

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-label={rotating ? `Rotate ${rotating.name}` : "Create credential"}>
      <Stack>
        {formError && (
          <Alert color="red" role="alert">
            {formError}
          </Alert>
        )}
        {mode === "create" ? (
          <>
            <TextInput label="Name" value={values.name} error={errors.name} onChange={(event) => set("name", event.currentTarget.value)} />
            <Select
              label="Type"
              allowDeselect={false}
              data={CREDENTIAL_TYPES}
              value={type}
              onChange={(value) => {
                setValues((old) => ({ ...old, type: (value as CredentialType | null) ?? "PASSWORD" }));
                setErrors({});
              }}
            />
            {type !== "SNMP_COMMUNITY" && type !== "API_TOKEN" && (
              <TextInput label="Username" autoComplete="off" value={values.username} error={errors.username} onChange={(event) => set("username", event.currentTarget.value)} />
            )}
            <TextInput label="Description" value={values.description} error={errors.description} onChange={(event) => set("description", event.currentTarget.value)} />
          </>
        ) : (
          <Text size="sm">
            The new secret replaces the stored one at once; the old one cannot be read back or restored.
          </Text>
        )}
        {type === "PASSWORD" && secret("password", mode === "rotate" ? "New password" : "Password")}
        {type === "SSH_KEY" && (
          <>
            <Textarea
              label={mode === "rotate" ? "New private key" : "Private key"}
              description="Paste an OpenSSH or PEM private key (ed25519, RSA, ECDSA), or load it from a file"
              autosize
              minRows={4}
              maxRows={10}
              spellCheck={false}
              styles={{ input: { fontFamily: "monospace" } }}
              value={values.privateKey}
              error={errors.privateKey}
              onChange={(event) => {
                set("privateKey", event.currentTarget.value);
                setKeyFile(null);
              }}
            />
            <Group gap="xs">
              <FileButton onChange={(file) => void readKeyFile(file)} inputProps={{ "aria-label": "Private key file" }}>
                {(props) => (
                  <Button variant="default" size="xs" {...props}>
                    Load key from file…
                  </Button>
                )}
              </FileButton>
              {keyFile && <Text size="sm">Loaded {keyFile}</Text>}
            </Group>
            {secret("passphrase", "Passphrase", "Only for an encrypted key")}
          </>
        )}
        {type === "SNMP_COMMUNITY" && secret("community", mode === "rotate" ? "New community" : "Community")}
        {type === "SNMP_V3" && (
          <>
            {mode === "create" && (
              <Group grow>
                <Select label="Security level" allowDeselect={false} data={SNMP_LEVELS} value={values.securityLevel} onChange={(value) => set("securityLevel", value ?? "authPriv")} />
                <Select label="Auth protocol" allowDeselect={false} data={AUTH_PROTOCOLS} value={values.authProtocol} onChange={(value) => set("authProtocol", value ?? "SHA256")} />
                <Select label="Privacy protocol" allowDeselect={false} data={PRIV_PROTOCOLS} value={values.privProtocol} onChange={(value) => set("privProtocol", value ?? "AES")} />
              </Group>
            )}
            {values.securityLevel !== "noAuthNoPriv" && secret("authPassword", "Auth password", "At least 8 characters")}
            {values.securityLevel === "authPriv" && secret("privPassword", "Privacy password", "At least 8 characters")}
          </>
        )}
        {type === "API_TOKEN" && secret("token", mode === "rotate" ? "New token" : "Token")}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            {rotating ? "Rotate secret" : "Create credential"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
