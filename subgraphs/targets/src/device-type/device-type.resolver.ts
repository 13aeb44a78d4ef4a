import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { TargetsContext } from "../context";
import { Target } from "../target/target.type";
import { DeviceType, DeviceTypeInput } from "./device-type.type";

@Resolver(() => DeviceType)
export class DeviceTypeResolver {
  @Query(() => [DeviceType], { description: "The device type registry; needs targets:read." })
  deviceTypes(@Ctx() ctx: TargetsContext): Promise<DeviceType[]> {
    return ctx.deviceTypes.list(ctx);
  }

  @Mutation(() => DeviceType, { description: "Admins only (system:write)." })
  createDeviceType(@Ctx() ctx: TargetsContext, @Arg("input", () => DeviceTypeInput) input: DeviceTypeInput): Promise<DeviceType> {
    return ctx.deviceTypes.create(ctx, input);
  }

  @Mutation(() => DeviceType, { description: "Admins only (system:write)." })
  updateDeviceType(@Ctx() ctx: TargetsContext, @Arg("id", () => ID) id: string, @Arg("input", () => DeviceTypeInput) input: DeviceTypeInput): Promise<DeviceType> {
    return ctx.deviceTypes.update(ctx, id, input);
  }

  @Mutation(() => Target, { description: "Sets or clears (null) a target's device type; needs targets:write." })
  setTargetDeviceType(
    @Ctx() ctx: TargetsContext,
    @Arg("targetId", () => ID) targetId: string,
    @Arg("deviceTypeId", () => ID, { nullable: true }) deviceTypeId: string | null,
  ): Promise<Target> {
    return ctx.deviceTypes.assign(ctx, targetId, deviceTypeId ?? null);
  }
}

@Resolver(() => Target)
export class TargetDeviceTypeResolver {
  @FieldResolver(() => DeviceType, { nullable: true })
  deviceType(@Ctx() ctx: TargetsContext, @Root() target: Target): Promise<DeviceType | null> | null {
    return target.deviceTypeId ? ctx.loaders.deviceType.load(target.deviceTypeId) : null;
  }
}
