module.exports = require("../jest.base.cjs")(__dirname, {
  displayName: "e2e",
  testMatch: ["<rootDir>/test/e2e/**/*.test.ts"],
  globalSetup: "<rootDir>/test/e2e/global-setup.cjs",
  globalTeardown: "<rootDir>/test/e2e/global-teardown.cjs",
  testTimeout: 60000,
});
