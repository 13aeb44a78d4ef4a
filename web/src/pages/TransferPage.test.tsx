import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderUi } from "../test/render";
import { formatOf, ImportProblemsTable } from "./TransferPage";

describe("ImportProblemsTable", () => {
  it("shows one row per problem: data row (the file itself as 'file'), field, message", () => {
    renderUi(
      <ImportProblemsTable
        problems={[
          { row: 0, field: "content", message: "is not valid CSV" },
          { row: 2, field: "address", message: "must be an IP address or hostname" },
        ]}
      />,
    );
    const rows = within(screen.getByRole("table", { name: "Import problems" })).getAllByRole("row");
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getAllByRole("cell").map((cell) => cell.textContent)).toEqual(["file", "content", "is not valid CSV"]);
    expect(within(rows[2]).getAllByRole("cell").map((cell) => cell.textContent)).toEqual(["2", "address", "must be an IP address or hostname"]);
  });

  it("reads the format from the file name", () => {
    expect(formatOf("targets.JSON")).toBe("JSON");
    expect(formatOf("targets.csv")).toBe("CSV");
    expect(formatOf("export")).toBe("CSV");
  });
});
