// Unit and integration tests of every workspace; the end-to-end suite has its own config
// (gateway/jest.e2e.config.cjs) because it runs against a started stack.
module.exports = {
  // testTimeout is global: per-project values are ignored when projects run together.
  testTimeout: 60000,
  projects: ["<rootDir>/packages/kit", "<rootDir>/subgraphs/auth", "<rootDir>/subgraphs/users", "<rootDir>/subgraphs/targets", "<rootDir>/gateway", "<rootDir>/prisma", "<rootDir>/scripts"],
};
