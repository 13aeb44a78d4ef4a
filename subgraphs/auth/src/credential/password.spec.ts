import { commonPasswordList, dummyVerify, generatePassword, hashPassword, isCommonPassword, passwordPolicyViolation, verifyPassword } from "./password";

const COMMON = "is too common: it is on the list of the most used (breached) passwords";

describe("password policy", () => {
  it("accepts 10 to 256 characters and names the rule otherwise", () => {
    expect(passwordPolicyViolation("x".repeat(10))).toBeNull();
    expect(passwordPolicyViolation("x".repeat(256))).toBeNull();
    expect(passwordPolicyViolation("x".repeat(9))).toBe("must be at least 10 characters");
    expect(passwordPolicyViolation("x".repeat(257))).toBe("must be at most 256 characters");
    expect(passwordPolicyViolation("x".repeat(100_000))).toBe("must be at most 256 characters");
  });

  it("refuses NUL bytes and lone surrogates", () => {
    expect(passwordPolicyViolation("long-enough\u0000")).toBe("must not contain NUL characters");
    expect(passwordPolicyViolation("long-enough\uD800")).toMatch(/lone surrogate/);
    expect(passwordPolicyViolation("long-enough 🔑")).toBeNull();
  });

  it("ships the 10,000 most common passwords, lower-cased", () => {
    const list = commonPasswordList();
    expect(list.size).toBe(10_000);
    for (const password of ["123456", "password", "qwerty", "iloveyou", "1234567890", "qwertyuiop"]) expect(list.has(password)).toBe(true);
    for (const entry of list) expect(entry).toBe(entry.toLowerCase());
    expect(commonPasswordList()).toBe(list);
  });

  it("refuses a listed password in any case, and one with digits or symbols around a listed one", () => {
    for (const password of ["1234567890", "QwertyUiop", "Password2024!", "!!dragon123456", "football#1#2#3", "12345trustno1"]) {
      expect(passwordPolicyViolation(password)).toBe(COMMON);
    }
    expect(isCommonPassword("correct horse battery staple")).toBe(false);
    expect(isCommonPassword("password-manager-generated")).toBe(false);
    // Affixes only count around a real word of four letters or more.
    expect(isCommonPassword("12345678901")).toBe(false);
    expect(isCommonPassword("abc-1234567")).toBe(false);
  });

  it("refuses the username as the password and any password containing it, ignoring case", () => {
    expect(passwordPolicyViolation("grace.hopper", " Grace.Hopper ")).toBe("must not contain the username");
    expect(passwordPolicyViolation("I-am-GRACE.HOPPER-2024", "grace.hopper")).toBe("must not contain the username");
    expect(passwordPolicyViolation("a-good-long-passphrase", "grace.hopper")).toBeNull();
    // A username too short to rule out as a part is still not the whole password.
    expect(passwordPolicyViolation("a-good-long-passphrase", "go")).toBeNull();
    expect(passwordPolicyViolation("bo12345678", "bo12345678")).toBe("must not contain the username");
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
