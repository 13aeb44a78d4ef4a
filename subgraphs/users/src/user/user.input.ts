import { PaginationInput, PartialInput, SortInput, graphqlEnum, type EnumOf } from "@opsconductor/kit/subgraph";
import { ArgsType, Field, ID, InputType } from "type-graphql";
import { Role } from "./role";

@InputType()
export class CreateUserInput {
  @Field({ description: "3-32 characters: a-z, 0-9, '.', '_', '-'; stored lower-case; cannot be changed later." })
  username!: string;

  @Field()
  email!: string;

  @Field({ description: "1-100 characters." })
  displayName!: string;

  @Field(() => [Role], { description: "At least one role." })
  roles!: Role[];

  @Field({ description: "Initial password; handed to the auth service, never stored here." })
  password!: string;
}

@InputType({ description: "Fields left out (or null) stay as they are. Username and password are not changed here." })
export class UpdateUserInput extends PartialInput(CreateUserInput, { omit: ["username", "password"] }) {}

@InputType()
export class UserFilter {
  @Field(() => String, { nullable: true, description: "Case-insensitive match on username, email or display name." })
  search?: string | null;

  @Field(() => Role, { nullable: true })
  role?: Role | null;

  @Field(() => Boolean, { nullable: true })
  isActive?: boolean | null;
}

export const UserSortField = graphqlEnum("UserSortField", ["USERNAME", "CREATED_AT", "LAST_LOGIN_AT"]);
export type UserSortField = EnumOf<typeof UserSortField>;


@InputType({ description: "Defaults to USERNAME ascending. Users who never logged in sort last by LAST_LOGIN_AT." })
export class UserSort extends SortInput(UserSortField, { field: "USERNAME", direction: "ASC" }, { required: true }) {}

// Argument classes keep the SDL's argument order as written (parameter decorators run last-to-first).
@ArgsType()
export class UsersArgs {
  @Field(() => UserFilter, { nullable: true })
  filter?: UserFilter | null;

  @Field(() => PaginationInput, { nullable: true })
  pagination?: PaginationInput | null;

  @Field(() => UserSort, { nullable: true })
  sort?: UserSort | null;
}

@ArgsType()
export class UpdateUserArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => UpdateUserInput)
  input!: UpdateUserInput;
}
