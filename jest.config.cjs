// Unit and integration tests of every workspace that has a jest.config.cjs (a new subgraph joins by
// existing); the end-to-end suite has its own config (gateway/jest.e2e.config.cjs) because it runs
// against a started stack.
const fs = require("node:fs");
const path = require("node:path");

const workspaces = ["packages", "subgraphs"].flatMap((dir) => fs.readdirSync(path.join(__dirname, dir)).map((name) => `${dir}/${name}`));
module.exports = {
  // testTimeout is global: per-project values are ignored when projects run together.
  testTimeout: 60000,
  projects: [...workspaces, "gateway", "prisma", "scripts"]
    .filter((dir) => fs.existsSync(path.join(__dirname, dir, "jest.config.cjs")))
    .map((dir) => `<rootDir>/${dir}`),
};
