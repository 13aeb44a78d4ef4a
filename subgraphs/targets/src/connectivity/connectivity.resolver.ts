import { servedByGateway, userReference, UserReference } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { TargetsContext } from "../context";
import { methodView } from "../method/method.service";
import { ConnectionMethod } from "../method/method.type";
import { TargetFilter } from "../target/target.input";
import { ConnectionCheck, ConnectionTestBatch } from "./connectivity.type";

/** GraphQL ↔ ConnectivityService. */
@Resolver(() => ConnectionTestBatch)
export class ConnectivityResolver {
  @Mutation(() => ConnectionCheck, { description: "Connects to the target now (primary method unless methodId); needs targets:write." })
  testTargetConnection(
    @Ctx() ctx: TargetsContext,
    @Arg("id", () => ID) id: string,
    @Arg("methodId", () => ID, { nullable: true }) methodId?: string,
  ): Promise<ConnectionCheck> {
    return ctx.connectivity.test(ctx, id, methodId);
  }

  @Mutation(() => ConnectionTestBatch, {
    description:
      "Tests many targets (ids, a filter and/or a saved group's current members) in the background; poll connectionTestBatch(id) or subscribe to connectionTestBatchUpdated(batchId).",
  })
  async testTargetConnections(
    @Ctx() ctx: TargetsContext,
    @Arg("ids", () => [ID], { nullable: true }) ids?: string[],
    @Arg("filter", () => TargetFilter, { nullable: true }) filter?: TargetFilter,
    @Arg("groupId", () => ID, { nullable: true }) groupId?: string,
  ): Promise<ConnectionTestBatch> {
    const selected = [
      ...(ids ?? []),
      ...(filter ? await ctx.targets.idsMatching(ctx, filter) : []),
      ...(groupId ? await ctx.groups.memberIds(ctx, groupId) : []),
    ];
    return ctx.connectivity.startBatch(ctx, selected);
  }

  @Query(() => ConnectionTestBatch, { nullable: true, description: "Needs targets:read." })
  connectionTestBatch(@Ctx() ctx: TargetsContext, @Arg("id", () => ID) id: string): Promise<ConnectionTestBatch | null> {
    return ctx.connectivity.batch(ctx, id);
  }

  @Subscription(() => ConnectionTestBatch, {
    subscribe: servedByGateway,
    description:
      "The batch now, then again after each tested target (served by the gateway from connectionTestBatch(id); needs targets:read). Ends only when the client leaves.",
  })
  connectionTestBatchUpdated(@Arg("batchId", () => ID) _batchId: string): ConnectionTestBatch {
    return servedByGateway();
  }

  @FieldResolver(() => UserReference, { nullable: true, description: "Who started the batch; null for periodic health checks." })
  createdBy(@Root() batch: ConnectionTestBatch): UserReference | null {
    return userReference(batch.createdById);
  }

  @FieldResolver(() => [ConnectionCheck], { description: "Per-target results so far, in completion order." })
  results(@Ctx() ctx: TargetsContext, @Root() batch: ConnectionTestBatch): Promise<ConnectionCheck[]> {
    return ctx.connectivity.batchResults(batch.id);
  }

  @Mutation(() => ConnectionMethod, { description: "Trusts the SSH host key last refused on this method; needs targets:write." })
  async acceptTargetHostKey(@Ctx() ctx: TargetsContext, @Arg("methodId", () => ID) methodId: string): Promise<ConnectionMethod> {
    return methodView(await ctx.connectivity.acceptHostKey(ctx, methodId));
  }
}
