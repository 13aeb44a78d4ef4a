import { CombinedGraphQLErrors } from "@apollo/client/errors";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { TargetListFieldsFragment } from "../../gql/graphql";
import { renderUi } from "../../test/render";
import { TargetForm } from "./TargetForm";

const deviceTypes = [{ id: "dt-1", name: "Linux server" }];
/** The error Mantine links to an input (aria-describedby). */
const fieldError = (field: HTMLElement) =>
  (field.getAttribute("aria-describedby") ?? "")
    .split(/\s+/)
    .map((id) => document.getElementById(id))
    .filter((node) => node?.className.includes("error"))
    .map((node) => node!.textContent)
    .join("");

const existing: TargetListFieldsFragment = {
  id: "t-1",
  serialNumber: "TGT-000001",
  name: "web-01",
  address: "10.0.0.1",
  port: 22,
  osType: "LINUX",
  environment: "staging",
  tags: ["web"],
  description: "front",
  healthStatus: "UNKNOWN",
  lastCheckedAt: null,
  updatedAt: "2026-01-01T00:00:00Z",
  deviceType: null,
};

describe("TargetForm", () => {
  it("checks every field by the service's rules before sending, and sends nothing while one is wrong", async () => {
    const onSubmit = vi.fn();
    renderUi(<TargetForm deviceTypes={deviceTypes} onSubmit={onSubmit} onCancel={() => {}} />);
    await userEvent.type(screen.getByLabelText(/Address/), "10.0.0.300");
    await userEvent.clear(screen.getByLabelText(/Environment/));
    await userEvent.type(screen.getByLabelText(/Environment/), "Prod!");
    await userEvent.type(screen.getByRole("textbox", { name: "Tags" }), "-bad{enter}");
    await userEvent.click(screen.getByRole("button", { name: "Create target" }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(fieldError(screen.getByLabelText(/Name/))).toBe("is required");
    expect(fieldError(screen.getByLabelText(/Address/))).toBe('"10.0.0.300" is not a valid IPv4/IPv6 address or hostname');
    expect(fieldError(screen.getByLabelText(/Environment/))).toMatch(/must be 1-32 characters of a-z/);
    expect(fieldError(screen.getByRole("textbox", { name: "Tags" }))).toMatch(/tag "-bad" must be 1-40 characters/);
  });

  it("sends the values, trimmed, with the defaults a new target gets", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    renderUi(<TargetForm deviceTypes={deviceTypes} onSubmit={onSubmit} onCancel={() => {}} />);
    await userEvent.type(screen.getByLabelText(/Name/), "  db-01 ");
    await userEvent.type(screen.getByLabelText(/Address/), "DB-01.Example.com");
    await userEvent.type(screen.getByRole("textbox", { name: "Tags" }), "db{enter}");
    await userEvent.click(screen.getByRole("button", { name: "Create target" }));
    expect(onSubmit).toHaveBeenCalledWith({
      name: "db-01",
      address: "DB-01.Example.com",
      port: 22,
      osType: "LINUX",
      environment: "production",
      tags: ["db"],
      description: null,
      deviceTypeId: null,
    });
  });

  it("puts a server error naming a field (extensions.field) on that field, and other errors above the form", async () => {
    const onSubmit = vi
      .fn()
      .mockRejectedValueOnce(new CombinedGraphQLErrors({ errors: [{ message: 'Address 10.0.0.1:22 is already used by target "db"', extensions: { code: "CONFLICT", field: "address" } }] }))
      .mockRejectedValueOnce(new CombinedGraphQLErrors({ errors: [{ message: "input.name: is taken", extensions: { code: "BAD_USER_INPUT", field: "input.name" } }] }))
      .mockRejectedValueOnce(new CombinedGraphQLErrors({ errors: [{ message: "Not allowed", extensions: { code: "FORBIDDEN" } }] }));
    renderUi(<TargetForm target={existing} deviceTypes={deviceTypes} onSubmit={onSubmit} onCancel={() => {}} />);
    const save = screen.getByRole("button", { name: "Save" });
    await userEvent.click(save);
    expect(await screen.findByText('Address 10.0.0.1:22 is already used by target "db"')).toBeInTheDocument();
    expect(fieldError(screen.getByLabelText(/Address/))).toBe('Address 10.0.0.1:22 is already used by target "db"');
    await userEvent.click(save);
    expect(await screen.findByText("is taken")).toBeInTheDocument();
    expect(fieldError(screen.getByLabelText(/Name/))).toBe("is taken");
    await userEvent.click(save);
    expect((await screen.findByRole("alert")).textContent).toBe("Not allowed");
    // An edit sends every field, the existing values as they were.
    expect(onSubmit).toHaveBeenLastCalledWith(expect.objectContaining({ name: "web-01", environment: "staging", tags: ["web"], description: "front" }));
  });
});
