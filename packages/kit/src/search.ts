/**
 * A Prisma `contains` filter that matches `text` literally, case-insensitively. Prisma hands
 * `contains` to LIKE/ILIKE without escaping, so a typed "%" or "_" would be a wildcard (a search for
 * "_" would match every row); PostgreSQL's default LIKE escape character is the backslash.
 */
export function containsText(text: string): { contains: string; mode: "insensitive" } {
  return { contains: likePattern(text), mode: "insensitive" };
}

/** `text` with LIKE's wildcards (`%`, `_`) and its escape character (`\`) escaped. */
export const likePattern = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);
