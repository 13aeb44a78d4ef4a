module.exports = require("../jest.base.cjs")(__dirname, {
  displayName: "e2e",
  // The gateway's own end-to-end tests and every subgraph's (subgraphs/<name>/test/e2e/).
  roots: ["<rootDir>", "<rootDir>/../subgraphs"],
  testMatch: ["<rootDir>/test/e2e/**/*.test.ts", "<rootDir>/../subgraphs/*/test/e2e/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  globalSetup: "<rootDir>/test/e2e/global-setup.cjs",
  globalTeardown: "<rootDir>/test/e2e/global-teardown.cjs",
  setupFilesAfterEnv: ["<rootDir>/test/e2e/setup-after-env.ts"],
  testTimeout: 60000,
});
