// A UTF-16 surrogate without its partner: not a character, and PostgreSQL and JSON encoders choke on it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What is wrong with a text value that is stored, hashed or looked up, or null. GraphQL's String
 * lets NUL bytes and lone surrogates through; PostgreSQL refuses them with an internal error.
 */
export function textProblem(value: string, maxLength: number): string | null {
  if (value.length > maxLength) return `must be at most ${maxLength} characters`;
  if (value.includes("\u0000")) return "must not contain NUL characters";
  if (LONE_SURROGATE.test(value)) return "must be valid Unicode text (it contains a lone surrogate)";
  return null;
}
