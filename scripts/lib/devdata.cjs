// @ts-check
// Dev databases hold data encrypted with one checkout's secrets (.data/secrets.json). A second
// checkout on the same PostgreSQL has other secrets and would fail deep inside a service; instead
// each dev database is labelled with a fingerprint of the secrets that wrote it, and a mismatch
// stops `npm start` with one line naming `npm run reset`.
"use strict";
const { createHash } = require("node:crypto");
const { withAdmin } = require("./db.cjs");

/**
 * @param {string[]} databases
 * @param {Record<string, string>} secrets
 */
async function claimDevDatabases(databases, secrets) {
  // The two original secrets identify the checkout; secrets added later (TARGETS_MASTER_KEY) must not
  // make an existing checkout's own databases look foreign.
  const identity = { SERVICE_TOKEN: secrets.SERVICE_TOKEN, AUTH_SECRETS_KEY: secrets.AUTH_SECRETS_KEY };
  const fingerprint = createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 16);
  const label = `opsconductor dev data; secrets ${fingerprint}`;
  /** @type {string[]} */
  const foreign = await withAdmin(async (/** @type {import("pg").Client} */ client) => {
    const mismatched = [];
    for (const database of databases) {
      const { rows } = await client.query("SELECT shobj_description(oid, 'pg_database') AS label FROM pg_database WHERE datname = $1", [database]);
      const current = rows[0]?.label;
      if (current && current !== label) mismatched.push(database);
      else if (!current) await client.query(`COMMENT ON DATABASE "${database.replace(/"/g, "")}" IS '${label}'`);
    }
    return mismatched;
  });
  if (foreign.length) {
    throw new Error(`the dev databases (${foreign.join(", ")}) were set up by another checkout with other secrets; run \`npm run reset\` to drop them and start fresh`);
  }
}

module.exports = { claimDevDatabases };
