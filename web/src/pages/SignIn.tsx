import { Alert, Button, Center, Checkbox, Paper, PasswordInput, Stack, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { serverError } from "../errors";

export interface SignInFormProps {
  onSignIn(username: string, password: string, staySignedIn: boolean): Promise<void>;
}

/** What the sign-in form says for a server error: wrong credentials, locked (throttled), or unreachable. */
export function signInMessage(error: unknown): string {
  const problem = serverError(error);
  if (problem.code === "TOO_MANY_REQUESTS") {
    const wait = problem.retryAfterSeconds ? ` Try again in ${Math.ceil(problem.retryAfterSeconds / 60)} min.` : "";
    return `Sign-in is locked after too many attempts.${wait}`;
  }
  if (problem.code === "UNAUTHENTICATED") return "Invalid username or password.";
  return problem.message;
}

export function SignInForm({ onSignIn }: SignInFormProps) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [stay, setStay] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!username.trim() || !password) {
      setError("Enter your username and password.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSignIn(username.trim(), password, stay);
    } catch (caught) {
      setError(signInMessage(caught));
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh">
      <Paper withBorder shadow="sm" p="xl" w={380} component="main">
        <form onSubmit={(event) => void submit(event)} aria-label="Sign in" noValidate>
          <Stack>
            <Title order={1} size="h2">
              Sign in to OpsConductor
            </Title>
            {error && (
              <Alert color="red" role="alert" title="Cannot sign in">
                {error}
              </Alert>
            )}
            <TextInput label="Username" autoComplete="username" autoFocus value={username} onChange={(event) => setUsername(event.currentTarget.value)} />
            <PasswordInput label="Password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.currentTarget.value)} />
            <Checkbox label="Stay signed in" checked={stay} onChange={(event) => setStay(event.currentTarget.checked)} />
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
