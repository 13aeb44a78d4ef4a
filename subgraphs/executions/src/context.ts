import { byIdLoader, type RequestContext } from "@opsconductor/kit/subgraph";
import DataLoader from "dataloader";
import type { RunCounts } from "./run/run.type";
import type { RunRow, RunService, RunTargetRow, StepResultRow } from "./run/run.service";

export interface ExecutionsServices {
  runs: RunService;
}

/** Per request: the services and fresh DataLoaders (a page of runs costs one query per field, not per run). */
export interface ExecutionsContext extends RequestContext, ExecutionsServices {
  loaders: {
    run: DataLoader<string, RunRow | null>;
    targets: DataLoader<string, RunTargetRow[]>;
    counts: DataLoader<string, RunCounts>;
    steps: DataLoader<string, StepResultRow[]>;
  };
}

function groupLoader<T>(load: (keys: readonly string[]) => Promise<T[]>, keyOf: (row: T) => string) {
  return new DataLoader<string, T[]>(async (keys) => {
    const rows = await load(keys);
    const byKey = new Map<string, T[]>();
    for (const row of rows) byKey.set(keyOf(row), [...(byKey.get(keyOf(row)) ?? []), row]);
    return keys.map((key) => byKey.get(key) ?? []);
  });
}

export function createContext(base: RequestContext, services: ExecutionsServices): ExecutionsContext {
  const { runs } = services;
  return {
    ...base,
    ...services,
    loaders: {
      run: byIdLoader((ids) => runs.findByIds(ids)),
      targets: groupLoader((ids) => runs.targetsOf(ids), (row) => row.runId),
      counts: new DataLoader(async (ids) => {
        const counts = await runs.countsOf(ids);
        return ids.map((id) => counts.get(id)!);
      }),
      steps: groupLoader((ids) => runs.stepsOf(ids), (row) => row.runTargetId),
    },
  };
}
