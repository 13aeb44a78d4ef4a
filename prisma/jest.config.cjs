module.exports = require("../jest.base.cjs")(__dirname, { displayName: "migrations", testTimeout: 120000 });
