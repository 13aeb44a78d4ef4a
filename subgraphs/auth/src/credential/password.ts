import argon2 from "argon2";
import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { textProblem } from "./text";

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
/** Usernames at least this long may not appear anywhere in the password; shorter ones only not as all of it. */
const USERNAME_CONTAINED_MIN_LENGTH = 4;

// src/credential and dist/credential are both two levels below the package, beside data/.
const COMMON_PASSWORDS_FILE = join(__dirname, "..", "..", "data", "common-passwords.txt");
let commonPasswords: Set<string> | undefined;

/** The shipped list of the most common (breached) passwords, lower-cased; read once. */
export function commonPasswordList(): Set<string> {
  commonPasswords ??= new Set(
    readFileSync(COMMON_PASSWORDS_FILE, "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#")),
  );
  return commonPasswords;
}

/**
 * A listed password, also with digits or symbols stuck before or after it ("Password2024!",
 * "!!dragon1234"): the list's own entries are mostly shorter than the minimum length, and that is
 * how they are stretched to meet it.
 */
export function isCommonPassword(password: string): boolean {
  const list = commonPasswordList();
  const lower = password.toLowerCase();
  if (list.has(lower)) return true;
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");
  return core.length >= 4 && core !== lower && list.has(core);
}

/**
 * Returns what is wrong with a new password, or null when it satisfies the policy: 10 to 256
 * characters of valid text, not a common password, not the username nor containing it (ignoring case).
 */
export function passwordPolicyViolation(password: string, username?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  const problem = textProblem(password, PASSWORD_MAX_LENGTH);
  if (problem) return problem;
  const name = username?.trim().toLowerCase();
  const lower = password.toLowerCase();
  if (name && (lower === name || (name.length >= USERNAME_CONTAINED_MIN_LENGTH && lower.includes(name)))) {
    return "must not contain the username";
  }
  if (isCommonPassword(password)) return "is too common: it is on the list of the most used (breached) passwords";
  return null;
}

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): strong, yet cheap enough that a login
// burst does not exhaust the memory of a small container.
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A corrupt stored hash is a failed login, not a server error.
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification, so the answer time does not tell whether a
 * username exists.
 */
export async function dummyVerify(password: string): Promise<false> {
  dummyHash ??= hashPassword(generatePassword(32));
  await verifyPassword(await dummyHash, password);
  return false;
}

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** A random password from an unambiguous alphabet (about 5.8 bits per character). */
export function generatePassword(length = 20): string {
  let out = "";
  for (let i = 0; i < length; i += 1) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}
