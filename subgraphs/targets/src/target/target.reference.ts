import { requirePermission } from "@opsconductor/kit";
import DataLoader from "dataloader";
import type { TargetsContext } from "../context";
import type { TargetRow, TargetService } from "./target.service";
import { TARGETS_READ } from "./target.service";

export type TargetLoader = DataLoader<string, TargetRow | null>;

/** Batches every target looked up by id in one request into one query. */
export function createTargetLoader(targets: TargetService): TargetLoader {
  return new DataLoader<string, TargetRow | null>((ids) => targets.findActiveByIds(ids));
}

/** `_entities` for Target: null for an unknown or deleted id, never an error. */
export async function resolveTargetReference(reference: { id: string }, ctx: TargetsContext): Promise<TargetRow | null> {
  requirePermission(ctx, TARGETS_READ);
  return ctx.loaders.target.load(reference.id);
}
