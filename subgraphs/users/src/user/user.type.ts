import { Page } from "@opsconductor/kit/subgraph";
import { Directive, Field, ID, ObjectType } from "type-graphql";
import type { User as UserRow } from "../generated/prisma/client";
import { permissionsFor } from "./permissions";
import { isRole, Role } from "./role";

@ObjectType({ description: "A person who signs in to OpsConductor. Credentials are kept by the auth service." })
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID)
  id!: string;

  @Field({ description: "Lower-case login name; cannot be changed after creation." })
  username!: string;

  @Field()
  email!: string;

  @Field()
  displayName!: string;

  @Field(() => [Role])
  roles!: Role[];

  @Field(() => [String], { description: "Permissions granted by the roles." })
  permissions!: string[];

  @Field()
  isActive!: boolean;

  @Field(() => Date, { nullable: true })
  lastLoginAt!: Date | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType({ description: "One page of users and the total matching the filter." })
export class UserPage extends Page(User) {}

export function toUser(row: UserRow): User {
  const roles = row.roles.filter(isRole);
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    displayName: row.displayName,
    roles,
    permissions: permissionsFor(roles),
    isActive: row.isActive,
    lastLoginAt: row.lastLoginAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The `data` of users.user.* events: the profile, never anything secret. */
export function userSnapshot(row: UserRow) {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    displayName: row.displayName,
    roles: row.roles,
    isActive: row.isActive,
  };
}
