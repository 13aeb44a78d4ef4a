import { randomBytes } from "node:crypto";
import { decrypt, encrypt, parseKey, randomToken, safeEqual, sha256 } from "./crypto";

const key = randomBytes(32);

/** Flips one bit in the base64url part at index `part` of a sealed value. */
function tamper(sealed: string, part: number): string {
  const parts = sealed.split(".");
  const bytes = Buffer.from(parts[part]!, "base64url");
  bytes[0] = bytes[0]! ^ 0x01;
  parts[part] = bytes.toString("base64url");
  return parts.join(".");
}

describe("encrypt/decrypt (AES-256-GCM)", () => {
  it("round-trips text, including unicode and the empty string", () => {
    for (const text of ["s3cr3t-password", "pässwörd ✓", ""]) {
      const sealed = encrypt(text, key, "target:1");
      expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]*$/);
      expect(sealed).not.toContain(text || "\u0000");
      expect(decrypt(sealed, key, "target:1")).toBe(text);
    }
  });

  it("uses a fresh IV, so equal plaintexts give different ciphertexts", () => {
    expect(encrypt("same", key)).not.toBe(encrypt("same", key));
  });

  it("fails on a tampered ciphertext, IV or tag", () => {
    const sealed = encrypt("secret", key);
    for (const part of [1, 2, 3]) expect(() => decrypt(tamper(sealed, part), key)).toThrow();
  });

  it("fails with the wrong key", () => {
    expect(() => decrypt(encrypt("secret", key), randomBytes(32))).toThrow();
  });

  it("fails with the wrong associated data (a value moved to another record)", () => {
    expect(() => decrypt(encrypt("secret", key, "target:1"), key, "target:2")).toThrow();
  });

  it("rejects a truncated authentication tag (no short-tag forgeries)", () => {
    const [version, iv, tag, ciphertext] = encrypt("secret", key).split(".");
    const short = Buffer.from(tag!, "base64url").subarray(0, 4).toString("base64url");
    expect(() => decrypt([version, iv, short, ciphertext].join("."), key)).toThrow();
  });

  it("rejects a value that is not in the v1 format", () => {
    expect(() => decrypt("plain text", key)).toThrow("unsupported ciphertext format");
    expect(() => decrypt(encrypt("x", key).replace(/^v1/, "v2"), key)).toThrow("unsupported ciphertext format");
  });
});

describe("parseKey", () => {
  it("accepts 64 hex characters and 32-byte base64", () => {
    const raw = randomBytes(32);
    expect(parseKey(raw.toString("hex")).equals(raw)).toBe(true);
    expect(parseKey(raw.toString("base64")).equals(raw)).toBe(true);
  });

  it("rejects keys that are not exactly 32 bytes", () => {
    for (const bad of ["", "abcd", randomBytes(16).toString("hex"), randomBytes(31).toString("base64"), randomBytes(33).toString("base64"), "f".repeat(66)]) {
      expect(() => parseKey(bad)).toThrow("encryption key must be 32 bytes");
    }
  });
});

describe("hash and token helpers", () => {
  it("sha256 is hex and deterministic", () => {
    expect(sha256("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("randomToken gives url-safe, distinct tokens", () => {
    const a = randomToken();
    expect(a).toMatch(/^[\w-]{43}$/);
    expect(randomToken()).not.toBe(a);
  });

  it("safeEqual compares by value and handles different lengths", () => {
    expect(safeEqual("token-a", "token-a")).toBe(true);
    expect(safeEqual("token-a", "token-b")).toBe(false);
    expect(safeEqual("token", "token-longer")).toBe(false);
  });
});
