import { inUseMessage } from "./credential.service";

describe("inUseMessage", () => {
  it("names the targets whose connection methods use the credential", () => {
    expect(inUseMessage("deploy", [{ type: "SSH", target: { name: "web-01" } }])).toBe(
      'Credential "deploy" is in use by the connection methods of web-01 (SSH); change or remove them first',
    );
  });

  it("names at most five and says there are more", () => {
    const users = Array.from({ length: 6 }, (_, index) => ({ type: "SSH", target: { name: `web-0${index}` } }));
    const message = inUseMessage("deploy", users);
    expect(message).toContain("web-00 (SSH), web-01 (SSH), web-02 (SSH), web-03 (SSH), web-04 (SSH) and more");
    expect(message).not.toContain("web-05");
  });
});
