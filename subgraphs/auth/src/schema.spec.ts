import { buildFederatedSchema } from "@opsconductor/kit/subgraph";
import { authSchema } from "./schema";

// The gateway's supergraph and the other subgraphs rely on these exact shapes.
describe("auth subgraph schema", () => {
  let sdl: string;
  beforeAll(async () => {
    sdl = (await buildFederatedSchema(authSchema)).sdl;
  });
  const squash = (text: string) => text.replace(/"""[^]*?"""/g, "").replace(/\s+/g, " ");

  it("declares User as a non-resolvable stub entity with only an id", () => {
    expect(squash(sdl)).toContain('type User @key(fields: "id", resolvable: false) { id: ID! }');
  });

  it("declares AuthPayload and the auth operations", () => {
    const flat = squash(sdl);
    expect(flat).toContain("type AuthPayload { accessToken: String! refreshToken: String! expiresAt: DateTimeISO! user: User! }");
    expect(flat).toMatch(/login\((?=[^)]*username: String!)(?=[^)]*password: String!)[^)]*\): AuthPayload!/);
    expect(flat).toContain("refreshToken(token: String!): AuthPayload!");
    expect(flat).toMatch(/logout\((?=[^)]*refreshToken: String[,)\s])(?=[^)]*allSessions: Boolean = false)[^)]*\): Boolean!/);
    expect(flat).toMatch(/changePassword\((?=[^)]*currentPassword: String!)(?=[^)]*newPassword: String!)[^)]*\): Boolean!/);
    expect(flat).toContain("me: User");
  });
});
