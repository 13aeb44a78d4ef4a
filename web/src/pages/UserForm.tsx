import { Alert, Button, Group, MultiSelect, PasswordInput, Stack, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { fieldName, serverError } from "../errors";
import type { Role, UserRowFieldsFragment } from "../gql/graphql";

export const ROLES: Role[] = ["ADMIN", "OPERATOR", "VIEWER"];

export interface UserFormValues {
  username: string;
  email: string;
  displayName: string;
  roles: Role[];
  password: string;
}

interface Props {
  /** Editing this user (username and password are not changed here); creating when absent. */
  user?: UserRowFieldsFragment;
  onSubmit(values: UserFormValues): Promise<unknown>;
  onCancel(): void;
}

/** Create or edit a user. A server error naming a field (`extensions.field`) is shown on that field. */
export function UserForm({ user, onSubmit, onCancel }: Props) {
  const [values, setValues] = useState<UserFormValues>({
    username: user?.username ?? "",
    email: user?.email ?? "",
    displayName: user?.displayName ?? "",
    roles: (user?.roles as Role[] | undefined) ?? ["VIEWER"],
    password: "",
  });
  const [errors, setErrors] = useState<Partial<Record<keyof UserFormValues, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof UserFormValues>(key: K, value: UserFormValues[K]) => setValues((old) => ({ ...old, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local: typeof errors = {};
    if (!user && !values.username.trim()) local.username = "Required";
    if (!values.email.trim()) local.email = "Required";
    if (!values.displayName.trim()) local.displayName = "Required";
    if (values.roles.length === 0) local.roles = "Choose at least one role";
    if (!user && !values.password) local.password = "Required";
    setErrors(local);
    setFormError(null);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      await onSubmit(values);
    } catch (caught) {
      const problem = serverError(caught);
      const field = fieldName(problem.field) as keyof UserFormValues | undefined;
      const text = problem.message.replace(/^[\w.]+: /, "");
      if (field && field in values) setErrors({ [field]: text });
      else setFormError(problem.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-label={user ? `Edit ${user.username}` : "Create user"}>
      <Stack>
        {formError && (
          <Alert color="red" role="alert">
            {formError}
          </Alert>
        )}
        <TextInput label="Username" disabled={!!user} value={values.username} error={errors.username} onChange={(event) => set("username", event.currentTarget.value)} />
        <TextInput label="Email" type="email" value={values.email} error={errors.email} onChange={(event) => set("email", event.currentTarget.value)} />
        <TextInput label="Display name" value={values.displayName} error={errors.displayName} onChange={(event) => set("displayName", event.currentTarget.value)} />
        <MultiSelect
          label="Roles"
          data={ROLES.map((role) => ({ value: role, label: role.toLowerCase() }))}
          value={values.roles}
          error={errors.roles}
          onChange={(roles) => set("roles", roles as Role[])}
        />
        {!user && (
          <PasswordInput label="Initial password" autoComplete="new-password" value={values.password} error={errors.password} onChange={(event) => set("password", event.currentTarget.value)} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            {user ? "Save" : "Create user"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
