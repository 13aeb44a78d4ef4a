import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from "type-graphql";
import type { TargetsContext } from "../context";
import { ConnectionCheck, HealthStatus } from "../connectivity/connectivity.type";
import { Credential } from "../credential/credential.type";
import { Target } from "../target/target.type";
import { ConnectionMethodInput, UpdateConnectionMethodInput } from "./method.input";
import { methodView } from "./method.service";
import { ConnectionMethod } from "./method.type";

/** Connection methods, and the connectivity fields of a target. */
@Resolver(() => ConnectionMethod)
export class MethodResolver {
  @Mutation(() => ConnectionMethod, { description: "Needs targets:write. The first method of a target is its primary." })
  async addConnectionMethod(
    @Ctx() ctx: TargetsContext,
    @Arg("targetId", () => ID) targetId: string,
    @Arg("input", () => ConnectionMethodInput) input: ConnectionMethodInput,
  ): Promise<ConnectionMethod> {
    return methodView(await ctx.methods.add(ctx, targetId, input));
  }

  @Mutation(() => ConnectionMethod, { description: "Needs targets:write." })
  async updateConnectionMethod(
    @Ctx() ctx: TargetsContext,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateConnectionMethodInput) input: UpdateConnectionMethodInput,
  ): Promise<ConnectionMethod> {
    return methodView(await ctx.methods.update(ctx, id, input));
  }

  @Mutation(() => Boolean, { description: "Needs targets:write; the next oldest method becomes primary." })
  removeConnectionMethod(@Ctx() ctx: TargetsContext, @Arg("id", () => ID) id: string): Promise<boolean> {
    return ctx.methods.remove(ctx, id);
  }

  @FieldResolver(() => Credential, { nullable: true, description: "Needs credentials:read to see; null otherwise." })
  async credential(@Ctx() ctx: TargetsContext, @Root() method: ConnectionMethod): Promise<Credential | null> {
    if (!method.credentialId || !ctx.user?.permissions.includes("credentials:read")) return null;
    return ctx.loaders.credential.load(method.credentialId);
  }
}

@Resolver(() => Target)
export class TargetConnectivityResolver {
  @FieldResolver(() => String, { description: "TGT-000001: assigned once, never reused." })
  serialNumber(@Root() target: Target): string {
    return `TGT-${String(target.serial).padStart(6, "0")}`;
  }

  @FieldResolver(() => HealthStatus)
  healthStatus(@Root() target: Target): HealthStatus {
    return target.healthStatus;
  }

  @FieldResolver(() => Date, { nullable: true })
  lastCheckedAt(@Root() target: Target): Date | null {
    return target.lastCheckedAt;
  }

  @FieldResolver(() => [ConnectionMethod], { description: "Primary first." })
  async connectionMethods(@Ctx() ctx: TargetsContext, @Root() target: Target): Promise<ConnectionMethod[]> {
    return (await ctx.loaders.methods.load(target.id)).map(methodView);
  }

  @FieldResolver(() => [ConnectionCheck], { description: "Newest first; the last 100 are kept." })
  checkHistory(
    @Ctx() ctx: TargetsContext,
    @Root() target: Target,
    @Arg("limit", () => Int, { nullable: true, defaultValue: 20 }) limit: number,
  ): Promise<ConnectionCheck[]> {
    return ctx.connectivity.history(target.id, limit);
  }
}
