/**
 * `{{name}}` placeholders in user-written text (job steps, notification templates): one syntax, one
 * scanner, so what a save-time check accepts is exactly what rendering replaces.
 */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Every placeholder reference in the text, in order (trimmed; may repeat). */
export function placeholderNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? "");
}

/** Replaces each `{{name}}` with `value(name)`; a reference it returns undefined for is left as written. */
export function fillPlaceholders(text: string, value: (name: string) => string | undefined): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => value(name) ?? whole);
}
