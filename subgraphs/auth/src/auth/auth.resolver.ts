import { requireUser } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { AppContext } from "../context";
import { UserReference as User } from "@opsconductor/kit/subgraph";
import { AuthPayload } from "./auth.type";

const call = (ctx: AppContext) => ({ actor: ctx.actor, requestId: ctx.requestId });

/** The new session's token goes back to the gateway too, so the rest of the operation (`user { username }`) runs as it. */
const issued = (ctx: AppContext, payload: AuthPayload): AuthPayload => {
  ctx.issuedToken = payload.accessToken;
  return payload;
};

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, { description: "Starts a session. Any failure answers UNAUTHENTICATED 'Invalid username or password'." })
  login(
    @Arg("username", () => String) username: string,
    @Arg("password", () => String) password: string,
    @Ctx() ctx: AppContext,
  ): Promise<AuthPayload> {
    return ctx.auth.login(username, password, call(ctx)).then((payload) => issued(ctx, payload));
  }

  @Mutation(() => AuthPayload, { description: "Exchanges a refresh token (single use) for new tokens." })
  refreshToken(@Arg("token", () => String) token: string, @Ctx() ctx: AppContext): Promise<AuthPayload> {
    return ctx.auth.refresh(token, call(ctx)).then((payload) => issued(ctx, payload));
  }

  @Mutation(() => Boolean, { description: "Ends the session of the given refresh token, or all the caller's sessions." })
  logout(
    @Arg("refreshToken", () => String, { nullable: true }) refreshToken: string | null,
    @Arg("allSessions", () => Boolean, { nullable: true, defaultValue: false }) allSessions: boolean | null,
    @Ctx() ctx: AppContext,
  ): Promise<boolean> {
    return ctx.auth.logout(requireUser(ctx), refreshToken, allSessions ?? false, call(ctx));
  }

  @Mutation(() => Boolean, { description: "Changes the caller's password and ends all their sessions." })
  changePassword(
    @Arg("currentPassword", () => String) currentPassword: string,
    @Arg("newPassword", () => String) newPassword: string,
    @Ctx() ctx: AppContext,
  ): Promise<boolean> {
    return ctx.auth.changePassword(requireUser(ctx), currentPassword, newPassword, call(ctx));
  }

  @Query(() => User, { nullable: true, description: "The caller; the users subgraph resolves the fields." })
  me(@Ctx() ctx: AppContext): User {
    return { id: requireUser(ctx).id };
  }
}
