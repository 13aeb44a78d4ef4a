import { byIdLoader } from "@opsconductor/kit/subgraph";
import type DataLoader from "dataloader";
import type { TargetsContext } from "../context";
import type { TargetRow, TargetService } from "./target.service";

export type TargetLoader = DataLoader<string, TargetRow | null>;

/** Batches every target looked up by id in one request into one query. */
export const createTargetLoader = (targets: TargetService): TargetLoader => byIdLoader((ids) => targets.findActiveByIds(ids));

/** `_entities` for Target: null for an unknown or deleted id, never an error; the kit requires targets:read first (see targetsSchema). */
export async function resolveTargetReference(reference: { id: string }, ctx: TargetsContext): Promise<TargetRow | null> {
  return ctx.loaders.target.load(reference.id);
}
