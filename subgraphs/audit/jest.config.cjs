module.exports = require("../../jest.base.cjs")(__dirname, { displayName: "audit" });
