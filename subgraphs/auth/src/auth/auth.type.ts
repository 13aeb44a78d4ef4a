import { Field, GraphQLISODateTime, ObjectType } from "type-graphql";
import { UserReference as User } from "@opsconductor/kit/subgraph";

@ObjectType({ description: "Tokens of a new session, or of a refreshed one." })
export class AuthPayload {
  @Field(() => String, { description: "Short-lived ES256 JWT; send as `Authorization: Bearer <token>`." })
  accessToken!: string;

  @Field(() => String, { description: "Single-use opaque token for `refreshToken`; rotated on every use." })
  refreshToken!: string;

  @Field(() => GraphQLISODateTime, { description: "When the access token expires." })
  expiresAt!: Date;

  @Field(() => User)
  user!: User;
}
