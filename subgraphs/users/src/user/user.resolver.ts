import { crud, CrudResolver } from "@opsconductor/kit/subgraph";
import { Args, Ctx, Mutation, Query } from "type-graphql";
import type { UsersContext } from "../context";
import { CreateUserInput, UpdateUserArgs, UsersArgs } from "./user.input";
import { User, UserPage } from "./user.type";

/** GraphQL → UserService; rules and permission checks live in the service. */
@CrudResolver(() => User, (ctx: UsersContext) => ctx.users, {
  user: crud.get("Requires users:read. Null when no such user exists."),
  createUser: crud.create(() => CreateUserInput, "Requires users:write. The password goes to the auth service only."),
  deactivateUser: crud.byId("Requires users:write. Not yourself, not the last active admin.", (users, ctx, id) => users.deactivate(ctx, id)),
  activateUser: crud.byId("Requires users:write.", (users, ctx, id) => users.activate(ctx, id)),
  deleteUser: crud.remove("Requires users:write. Permanent. Not yourself, not the last active admin."),
})
export class UserResolver {
  @Query(() => UserPage, { description: "Requires users:read." })
  users(@Ctx() ctx: UsersContext, @Args(() => UsersArgs) { filter, pagination, sort }: UsersArgs): Promise<UserPage> {
    return ctx.users.list(ctx, filter, pagination, sort);
  }

  @Mutation(() => User, { description: "Requires users:write." })
  updateUser(@Ctx() ctx: UsersContext, @Args(() => UpdateUserArgs) { id, input }: UpdateUserArgs): Promise<User> {
    return ctx.users.update(ctx, id, input);
  }
}
