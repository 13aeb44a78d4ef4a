import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { UserRowFieldsFragment } from "../gql/graphql";
import { renderUi } from "../test/render";
import { UsersTable } from "./UsersTable";

const user = (username: string, overrides: Partial<UserRowFieldsFragment> = {}): UserRowFieldsFragment => ({
  id: `id-${username}`,
  username,
  email: `${username}@example.test`,
  displayName: username.toUpperCase(),
  roles: ["VIEWER"],
  isActive: true,
  lastLoginAt: null,
  createdAt: "2026-01-02T03:04:05Z",
  ...overrides,
});

const users = [user("alice", { roles: ["ADMIN"] }), user("bob", { isActive: false })];

describe("UsersTable", () => {
  it("shows one row per user with roles and status", () => {
    renderUi(<UsersTable users={users} sorting={[{ id: "username", desc: false }]} onSortingChange={() => {}} />);
    const rows = within(screen.getByRole("table", { name: "Users" })).getAllByRole("row");
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent("alice");
    expect(rows[1]).toHaveTextContent("admin");
    expect(rows[1]).toHaveTextContent("active");
    expect(rows[2]).toHaveTextContent("inactive");
    expect(screen.getByRole("columnheader", { name: /Username/ })).toHaveAttribute("aria-sort", "ascending");
  });

  it("asks the server for another order when a sortable header is clicked", async () => {
    const onSortingChange = vi.fn();
    renderUi(<UsersTable users={users} sorting={[{ id: "username", desc: false }]} onSortingChange={onSortingChange} />);
    await userEvent.click(screen.getByRole("button", { name: /Username/ }));
    expect(onSortingChange).toHaveBeenLastCalledWith([{ id: "username", desc: true }]);
    await userEvent.click(screen.getByRole("button", { name: /Created/ }));
    expect(onSortingChange).toHaveBeenLastCalledWith([{ id: "createdAt", desc: false }]);
    expect(screen.queryByRole("button", { name: /Email/ })).not.toBeInTheDocument();
  });

  it("has no write actions for a reader, and names the user on each action for a writer", async () => {
    const { unmount } = renderUi(<UsersTable users={users} sorting={[]} onSortingChange={() => {}} />);
    expect(screen.queryByRole("button", { name: /Edit|Delete|activate/i })).not.toBeInTheDocument();
    unmount();
    const actions = { onEdit: vi.fn(), onToggleActive: vi.fn(), onDelete: vi.fn() };
    renderUi(<UsersTable users={users} sorting={[]} onSortingChange={() => {}} actions={actions} />);
    await userEvent.click(screen.getByRole("button", { name: "Deactivate alice" }));
    await userEvent.click(screen.getByRole("button", { name: "Activate bob" }));
    await userEvent.click(screen.getByRole("button", { name: "Delete bob" }));
    expect(actions.onToggleActive.mock.calls.map(([row]) => row.username)).toEqual(["alice", "bob"]);
    expect(actions.onDelete).toHaveBeenCalledWith(users[1]);
  });

  it("says when nothing matches", () => {
    renderUi(<UsersTable users={[]} sorting={[]} onSortingChange={() => {}} />);
    expect(screen.getByText("No users match.")).toBeInTheDocument();
  });
});
