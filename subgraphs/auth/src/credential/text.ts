/** Longest username accepted anywhere (the users service's limit too). */
export const USERNAME_MAX_LENGTH = 256;

/**
 * Longest password accepted as input to check against a stored hash (login, current password).
 * Above the policy's maximum, so raising that later locks nobody out; far below what would make a
 * request or argon2 expensive. Longer input is refused before any hashing.
 */
export const PASSWORD_INPUT_MAX_LENGTH = 1_024;

// One definition for every service: the kit's input guard refuses the same things in any argument.
export { textProblem } from "@opsconductor/kit/subgraph";
