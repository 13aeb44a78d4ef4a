import { dummyVerify, generatePassword, hashPassword, passwordPolicyViolation, verifyPassword } from "./password";

describe("password policy", () => {
  it("accepts 10 to 256 characters and names the rule otherwise", () => {
    expect(passwordPolicyViolation("x".repeat(10))).toBeNull();
    expect(passwordPolicyViolation("x".repeat(256))).toBeNull();
    expect(passwordPolicyViolation("x".repeat(9))).toBe("must be at least 10 characters");
    expect(passwordPolicyViolation("x".repeat(257))).toBe("must be at most 256 characters");
  });
});

describe("argon2id hashing", () => {
  it("hashes with argon2id and a per-hash salt, and verifies only the right password", async () => {
    const [a, b] = await Promise.all([hashPassword("correct horse"), hashPassword("correct horse")]);
    expect(a).toMatch(/^\$argon2id\$v=19\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, "correct horse")).toBe(true);
    expect(await verifyPassword(a, "correct horsE")).toBe(false);
  });

  it("treats a corrupt stored hash as a mismatch instead of throwing", async () => {
    expect(await verifyPassword("not-a-hash", "anything")).toBe(false);
  });

  it("dummy verification always fails", async () => {
    expect(await dummyVerify("anything")).toBe(false);
  });
});

describe("generatePassword", () => {
  it("makes passwords of the requested length from an unambiguous alphabet", () => {
    const password = generatePassword(20);
    expect(password).toMatch(/^[A-HJ-NP-Za-km-z2-9]{20}$/);
    expect(generatePassword(20)).not.toBe(password);
  });
});
