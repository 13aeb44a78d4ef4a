import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { CombinedGraphQLErrors } from "@apollo/client/errors";
import type { CredentialRowFieldsFragment } from "../gql/graphql";
import { renderUi } from "../test/render";
import { CredentialForm, credentialInput } from "./CredentialForm";
import { CredentialsTable } from "./CredentialsPage";

const credential = (name: string, overrides: Partial<CredentialRowFieldsFragment> = {}): CredentialRowFieldsFragment => ({
  id: `id-${name}`,
  name,
  type: "PASSWORD",
  username: "deploy",
  description: null,
  hasSecret: true,
  secretFields: ["password"],
  keyAlgorithm: null,
  publicKeyFingerprint: null,
  securityLevel: null,
  lastUsedAt: null,
  updatedAt: "2026-01-02T03:04:05Z",
  ...overrides,
});

describe("CredentialForm", () => {
  it("checks the type's required fields before sending, then sends only that type's fields", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    renderUi(<CredentialForm onSubmit={onSubmit} onCancel={() => {}} />);
    await userEvent.click(screen.getByRole("button", { name: "Create credential" }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getAllByText("Required")).toHaveLength(3); // name, username, password
    await userEvent.type(screen.getByLabelText("Name"), "deploy-pw");
    await userEvent.type(screen.getByLabelText("Username"), "deploy");
    await userEvent.type(screen.getByLabelText("Password"), "s3cret-value");
    await userEvent.click(screen.getByRole("button", { name: "Create credential" }));
    expect(onSubmit).toHaveBeenCalledWith({ name: "deploy-pw", type: "PASSWORD", username: "deploy", password: "s3cret-value" });
  });

  it("shows a server error naming a field on that field", async () => {
    const error = new CombinedGraphQLErrors({ errors: [{ message: "input.name: A credential with this name already exists", extensions: { code: "CONFLICT", field: "input.name" } }] });
    renderUi(<CredentialForm onSubmit={() => Promise.reject(error)} onCancel={() => {}} />);
    await userEvent.type(screen.getByLabelText("Name"), "taken");
    await userEvent.type(screen.getByLabelText("Username"), "deploy");
    await userEvent.type(screen.getByLabelText("Password"), "pw");
    await userEvent.click(screen.getByRole("button", { name: "Create credential" }));
    expect(await screen.findByText("A credential with this name already exists")).toBeInTheDocument();
  });

  it("rotating asks for the new secret only, starting empty", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    renderUi(<CredentialForm rotating={credential("api", { type: "API_TOKEN", username: null, secretFields: ["token"] })} onSubmit={onSubmit} onCancel={() => {}} />);
    expect(screen.queryByLabelText("Name")).not.toBeInTheDocument();
    const token = screen.getByLabelText("New token");
    expect(token).toHaveValue("");
    await userEvent.type(token, "new-token");
    await userEvent.click(screen.getByRole("button", { name: "Rotate secret" }));
    expect(onSubmit).toHaveBeenCalledWith({ token: "new-token" });
  });

  it("SNMP v3 sends the passwords its security level needs, and the protocols", () => {
    const base = { name: "snmp", type: "SNMP_V3" as const, username: "mon", description: "", password: "", privateKey: "", passphrase: "", community: "", token: "" };
    const values = { ...base, securityLevel: "authNoPriv", authProtocol: "SHA", authPassword: "auth-pass", privProtocol: "AES", privPassword: "left-over" };
    expect(credentialInput(values, "create")).toEqual({ name: "snmp", type: "SNMP_V3", username: "mon", securityLevel: "authNoPriv", authProtocol: "SHA", privProtocol: "AES", authPassword: "auth-pass" });
  });

  it("an SSH key can come from a file", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    renderUi(<CredentialForm rotating={credential("key", { type: "SSH_KEY", secretFields: ["privateKey"] })} onSubmit={onSubmit} onCancel={() => {}} />);
    const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n";
    await userEvent.upload(screen.getByLabelText("Private key file"), new File([key], "id_ed25519"));
    expect(await screen.findByText("Loaded id_ed25519")).toBeInTheDocument();
    expect(screen.getByLabelText("New private key")).toHaveValue(key);
    await userEvent.click(screen.getByRole("button", { name: "Rotate secret" }));
    expect(onSubmit).toHaveBeenCalledWith({ privateKey: key });
  });
});

describe("CredentialsTable", () => {
  it("shows what is stored and the key fingerprint, and actions only to writers", async () => {
    const rows = [credential("pw"), credential("key", { type: "SSH_KEY", secretFields: ["privateKey"], keyAlgorithm: "ed25519", publicKeyFingerprint: "SHA256:abc" }), credential("empty", { hasSecret: false, secretFields: [] })];
    const { unmount } = renderUi(<CredentialsTable credentials={rows} canWrite={false} loading={false} onRotate={() => {}} onDelete={() => {}} />);
    const table = screen.getByRole("table", { name: "Credentials" });
    const [, pw, key, empty] = within(table).getAllByRole("row");
    expect(pw).toHaveTextContent("password stored");
    expect(key).toHaveTextContent("ed25519 SHA256:abc");
    expect(empty).toHaveTextContent("missing");
    expect(screen.queryByRole("button", { name: /Rotate|Delete/ })).not.toBeInTheDocument();
    unmount();
    const onDelete = vi.fn();
    renderUi(<CredentialsTable credentials={rows} canWrite loading={false} onRotate={() => {}} onDelete={onDelete} />);
    await userEvent.click(screen.getByRole("button", { name: "Delete key" }));
    expect(onDelete).toHaveBeenCalledWith(rows[1]);
  });
});
