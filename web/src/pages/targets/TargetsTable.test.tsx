import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { RowSelectionState } from "@tanstack/react-table";
import { useState } from "react";
import { MemoryRouter } from "react-router";
import { describe, expect, it, vi } from "vitest";
import type { ConnectionTestBatchFieldsFragment, TargetListFieldsFragment } from "../../gql/graphql";
import { renderUi } from "../../test/render";
import { ConnectionTestReport } from "./ConnectionTestProgress";
import { DEFAULT_HIDDEN, TargetsTable } from "./TargetsTable";

const target = (name: string, overrides: Partial<TargetListFieldsFragment> = {}): TargetListFieldsFragment => ({
  id: `id-${name}`,
  serialNumber: `TGT-${name}`,
  name,
  address: "127.0.0.1",
  port: 22,
  osType: "LINUX",
  environment: "production",
  tags: ["web"],
  description: null,
  healthStatus: "HEALTHY",
  lastCheckedAt: null,
  updatedAt: "2026-01-01T00:00:00Z",
  deviceType: { id: "dt", name: "Linux server" },
  ...overrides,
});
const targets = [target("alpha"), target("beta", { healthStatus: "CRITICAL", tags: [] })];

function Selectable({ onSelected }: { onSelected(ids: string[]): void }) {
  const [state, setState] = useState<RowSelectionState>({});
  return (
    <TargetsTable
      targets={targets}
      sorting={[]}
      onSortingChange={() => {}}
      columnVisibility={DEFAULT_HIDDEN}
      selection={{
        state,
        onChange: (updater) => {
          const next = typeof updater === "function" ? updater(state) : updater;
          setState(next);
          onSelected(Object.keys(next).filter((id) => next[id]));
        },
      }}
    />
  );
}

const inRouter = (ui: React.ReactElement) => renderUi(<MemoryRouter>{ui}</MemoryRouter>);

describe("TargetsTable", () => {
  it("shows one row per target with a link to its page and its health, and asks the server to sort", async () => {
    const onSortingChange = vi.fn();
    inRouter(<TargetsTable targets={targets} sorting={[{ id: "name", desc: false }]} onSortingChange={onSortingChange} columnVisibility={DEFAULT_HIDDEN} />);
    const rows = within(screen.getByRole("table", { name: "Targets" })).getAllByRole("row");
    expect(rows).toHaveLength(3);
    expect(within(rows[1]!).getByRole("link", { name: "alpha" })).toHaveAttribute("href", "/targets/id-alpha");
    expect(rows[2]).toHaveTextContent("critical");
    expect(screen.getByRole("columnheader", { name: /Name/ })).toHaveAttribute("aria-sort", "ascending");
    await userEvent.click(screen.getByRole("button", { name: /Address/ }));
    expect(onSortingChange).toHaveBeenLastCalledWith([{ id: "address", desc: false }]);
    // A reader gets no selection column.
    expect(screen.queryByRole("checkbox")).not.toBeInTheDocument();
  });

  it("shows only the chosen columns", () => {
    inRouter(<TargetsTable targets={targets} sorting={[]} onSortingChange={() => {}} columnVisibility={{ ...DEFAULT_HIDDEN, tags: false, deviceType: true }} />);
    const headers = screen.getAllByRole("columnheader").map((header) => header.textContent?.trim());
    expect(headers).toEqual(["Serial", "Name", "Address", "OS", "Environment", "Device type", "Health"]);
    expect(screen.getAllByText("Linux server")).toHaveLength(2);
  });

  it("selects rows one by one or the whole page, for bulk actions", async () => {
    const onSelected = vi.fn();
    inRouter(<Selectable onSelected={onSelected} />);
    await userEvent.click(screen.getByRole("checkbox", { name: "Select beta" }));
    expect(onSelected).toHaveBeenLastCalledWith(["id-beta"]);
    await userEvent.click(screen.getByRole("checkbox", { name: "Select all targets on this page" }));
    expect(onSelected).toHaveBeenLastCalledWith(["id-beta", "id-alpha"]);
    expect(screen.getByRole("checkbox", { name: "Select alpha" })).toBeChecked();
  });

  it("says when nothing matches", () => {
    inRouter(<TargetsTable targets={[]} sorting={[]} onSortingChange={() => {}} columnVisibility={DEFAULT_HIDDEN} empty="No targets match." />);
    expect(screen.getByText("No targets match.")).toBeInTheDocument();
  });
});

describe("ConnectionTestReport", () => {
  it("shows progress and one row per target: pending, ok with latency, or the failure", () => {
    const batch: ConnectionTestBatchFieldsFragment = {
      id: "b",
      total: 3,
      done: 2,
      ok: 1,
      failed: 1,
      finishedAt: null,
      error: null,
      results: [
        { id: "c1", targetId: "id-alpha", methodId: "m", methodType: "SSH", ok: true, latencyMs: 12, errorCategory: null, message: null, serverVersion: "OpenSSH_9.2", checkedAt: "2026-01-01T00:00:00Z" },
        { id: "c2", targetId: "id-beta", methodId: "m", methodType: "SSH", ok: false, latencyMs: 3, errorCategory: "REFUSED", message: "connection refused", serverVersion: null, checkedAt: "2026-01-01T00:00:00Z" },
      ],
    };
    renderUi(<ConnectionTestReport batch={batch} names={[{ id: "id-alpha", name: "alpha" }, { id: "id-beta", name: "beta" }, { id: "id-gamma", name: "gamma" }]} />);
    expect(screen.getByText("2 of 3 tested · 1 ok · 1 failed")).toBeInTheDocument();
    expect(screen.getByText("67% done")).toBeInTheDocument();
    const rows = within(screen.getByRole("table", { name: "Connection test results" })).getAllByRole("row");
    expect(rows[1]).toHaveTextContent(/alpha.*ok.*12 ms.*OpenSSH_9\.2/);
    expect(rows[2]).toHaveTextContent(/beta.*refused.*connection refused/);
    expect(rows[3]).toHaveTextContent(/gamma.*pending/);
    expect(Number(screen.getByRole("progressbar", { name: "Connected" }).getAttribute("aria-valuenow"))).toBeCloseTo(100 / 3);
  });
});
