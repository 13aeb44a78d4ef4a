import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { UsersContext } from "../context";
import { CreateUserInput, UpdateUserArgs, UsersArgs } from "./user.input";
import { User, UserPage } from "./user.type";

/** GraphQL → UserService; rules and permission checks live in the service. */
@Resolver(() => User)
export class UserResolver {
  @Query(() => UserPage, { description: "Requires users:read." })
  users(@Ctx() ctx: UsersContext, @Args(() => UsersArgs) { filter, pagination, sort }: UsersArgs): Promise<UserPage> {
    return ctx.users.list(ctx, filter, pagination, sort);
  }

  @Query(() => User, { nullable: true, description: "Requires users:read. Null when no such user exists." })
  user(@Ctx() ctx: UsersContext, @Arg("id", () => ID) id: string): Promise<User | null> {
    return ctx.users.get(ctx, id);
  }

  @Mutation(() => User, { description: "Requires users:write. The password goes to the auth service only." })
  createUser(@Ctx() ctx: UsersContext, @Arg("input", () => CreateUserInput) input: CreateUserInput): Promise<User> {
    return ctx.users.create(ctx, input);
  }

  @Mutation(() => User, { description: "Requires users:write." })
  updateUser(@Ctx() ctx: UsersContext, @Args(() => UpdateUserArgs) { id, input }: UpdateUserArgs): Promise<User> {
    return ctx.users.update(ctx, id, input);
  }

  @Mutation(() => User, { description: "Requires users:write. Not yourself, not the last active admin." })
  deactivateUser(@Ctx() ctx: UsersContext, @Arg("id", () => ID) id: string): Promise<User> {
    return ctx.users.deactivate(ctx, id);
  }

  @Mutation(() => User, { description: "Requires users:write." })
  activateUser(@Ctx() ctx: UsersContext, @Arg("id", () => ID) id: string): Promise<User> {
    return ctx.users.activate(ctx, id);
  }

  @Mutation(() => Boolean, { description: "Requires users:write. Permanent. Not yourself, not the last active admin." })
  deleteUser(@Ctx() ctx: UsersContext, @Arg("id", () => ID) id: string): Promise<boolean> {
    return ctx.users.delete(ctx, id);
  }
}
