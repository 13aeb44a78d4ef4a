// Shared Jest settings: @swc/jest emits the decorator metadata type-graphql needs (esbuild/tsx do not).
const path = require("node:path");

module.exports = function jestConfig(dir, overrides = {}) {
  return {
    rootDir: dir,
    testEnvironment: "node",
    transform: {
      "^.+\\.(t|j)s$": [
        "@swc/jest",
        {
          jsc: {
            parser: { syntax: "typescript", decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            keepClassNames: true,
            target: "es2022",
          },
          module: { type: "commonjs" },
        },
      ],
    },
    moduleNameMapper: {
      "^@opsconductor/kit$": path.join(__dirname, "packages/kit/src/index.ts"),
      "^@opsconductor/kit/(gateway|subgraph)$": path.join(__dirname, "packages/kit/src/$1.ts"),
      "^@opsconductor/kit/testing$": path.join(__dirname, "packages/kit/src/testing/index.ts"),
      "^(\\.{1,2}/.*)\\.js$": "$1",
    },
    testMatch: ["<rootDir>/src/**/*.spec.ts", "<rootDir>/test/**/*.test.ts"],
    // test/e2e/ holds end-to-end tests, run by gateway/jest.e2e.config.cjs against a started stack.
    testPathIgnorePatterns: ["/node_modules/", "/test/e2e/"],
    setupFiles: [path.join(__dirname, "jest.setup.cjs")],
    testTimeout: 30000,
    ...overrides,
  };
};
