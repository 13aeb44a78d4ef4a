import { seedSubgraph } from "@opsconductor/kit/subgraph";
import jobsSubgraph from "../src/subgraph";
import { startJobs, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startJobs();
});
afterAll(() => h.stop());

describe("seed", () => {
  it("inserts the demo templates once; a second seed changes nothing", async () => {
    await seedSubgraph(jobsSubgraph, h.subgraph.env);
    const second = await seedSubgraph(jobsSubgraph, h.subgraph.env);
    expect(second).toBe("jobs seed: demo jobs exist, nothing changed");
    const rows = await h.subgraph.prisma.job.findMany({ where: { nameKey: "uptime and kernel", active: true } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ isTemplate: true, version: 1 });
    expect((rows[0]!.steps as Array<{ content: string }>).map((step) => step.content)).toEqual(["uptime", "uname -a"]);
    const templates = await h.ok<{ jobTemplates: { items: Array<{ name: string }> } }>(`query { jobTemplates(search: "uptime and kernel") { items { name } } }`);
    expect(templates.jobTemplates.items.map((item) => item.name)).toEqual(["Uptime and kernel"]);
  });
});
