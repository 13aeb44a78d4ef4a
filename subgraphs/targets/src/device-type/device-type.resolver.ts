import { crud, CrudResolver } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import type { TargetsContext } from "../context";
import { Target } from "../target/target.type";
import { DeviceType, DeviceTypeInput } from "./device-type.type";

@CrudResolver(() => DeviceType, (ctx: TargetsContext) => ctx.deviceTypes, {
  deviceTypes: crud.list(() => [DeviceType], "The device type registry; needs targets:read.", {}),
  createDeviceType: crud.create(() => DeviceTypeInput, "Admins only (system:write)."),
  updateDeviceType: crud.update(() => DeviceTypeInput, "Admins only (system:write)."),
})
export class DeviceTypeResolver {
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
