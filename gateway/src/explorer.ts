import express, { type Router } from "express";
import { randomBytes } from "node:crypto";
import path from "node:path";

/**
 * Scripts run only from this origin's bundles and inline code carrying the response's nonce (no
 * 'unsafe-inline' for scripts); no page may frame the explorer. Styles stay 'unsafe-inline':
 * GraphiQL sets style attributes at run time.
 */
const contentSecurityPolicy = (nonce: string, host: string | undefined) =>
  [
    "default-src 'self'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    // 'self' covers ws: of the same origin only in browsers following CSP 3; the explicit source covers the others.
    host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? `connect-src 'self' ws://${host} wss://${host}` : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");

/**
 * GraphiQL served from this process (no CDN): the React and GraphiQL bundles come from
 * node_modules. The Headers tab sets `Authorization: Bearer <token>`; the login box fills it.
 * Subscriptions run over graphql-ws on the same path, the Headers tab going as connectionParams.
 */
export function explorerRouter(graphqlPath: string): Router {
  const router = express.Router();
  router.use(["/graphiql", "/favicon.ico"], (_req, res, next) => {
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("referrer-policy", "no-referrer");
    res.setHeader("x-frame-options", "DENY");
    next();
  });
  const asset = (pkg: string, file: string) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
  const files: Record<string, string> = {
    "react.js": asset("react", "umd/react.production.min.js"),
    "react-dom.js": asset("react-dom", "umd/react-dom.production.min.js"),
    "graphiql.js": asset("graphiql", "graphiql.min.js"),
    "graphiql.css": asset("graphiql", "graphiql.min.css"),
  };
  router.get("/graphiql/assets/:file", (req, res, next) => {
    const file = files[req.params.file];
    if (!file) return next(); // the JSON 404
    res.setHeader("cache-control", "public, max-age=86400");
    res.sendFile(file);
  });
  router.get("/graphiql", (req, res) => {
    const nonce = randomBytes(16).toString("base64");
    res.setHeader("content-security-policy", contentSecurityPolicy(nonce, req.headers.host));
    // A nonce is good for one response only.
    res.setHeader("cache-control", "no-store");
    res.type("html").send(page(graphqlPath, nonce));
  });
  router.get("/", (_req, res) => res.redirect("/graphiql"));
  router.get("/favicon.ico", (_req, res) => res.status(204).end());
  return router;
}

const DEFAULT_QUERY = `# Log in with the mutation below (or the form above), then the token is put in the Headers tab.
mutation Login {
  login(username: "admin", password: "…") { accessToken expiresAt user { username roles } }
}

query Targets {
  targets(pagination: { limit: 10 }) { total items { name address port createdBy { username } } }
}

# Start a bulk connection test (testTargetConnections) and follow it live:
subscription BatchProgress {
  connectionTestBatchUpdated(batchId: "…") { done total ok failed finishedAt }
}
`;

function page(graphqlPath: string, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>OpsConductor GraphQL explorer</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.css" />
<style>
  body { margin: 0; height: 100vh; display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
  #bar { padding: 6px 10px; display: flex; gap: 8px; align-items: center; background: #0b1f33; color: #fff; font-size: 14px; }
  #bar input { padding: 3px 6px; }
  #bar .status { opacity: 0.8; }
  #graphiql { flex: 1; }
</style>
</head>
<body>
<form id="bar">
  <strong>OpsConductor</strong>
  <input id="username" placeholder="username" autocomplete="username" />
  <input id="password" type="password" placeholder="password" autocomplete="current-password" />
  <button type="submit">Log in</button>
  <span class="status" id="status">Not logged in: set Authorization in the Headers tab or log in here.</span>
</form>
<div id="graphiql">Loading…</div>
<script nonce="${nonce}" src="/graphiql/assets/react.js"></script>
<script nonce="${nonce}" src="/graphiql/assets/react-dom.js"></script>
<script nonce="${nonce}" src="/graphiql/assets/graphiql.js"></script>
<script nonce="${nonce}">
  const endpoint = ${JSON.stringify(graphqlPath)};
  // Subscriptions go over graphql-ws on the same path; GraphiQL passes its Headers tab (Authorization) as connectionParams.
  const subscriptionUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + endpoint;
  const fetcher = GraphiQL.createFetcher({ url: endpoint, subscriptionUrl });
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  let headers = localStorage.getItem("opsconductor.headers") || "{}";
  let generation = 0;
  function render() {
    // A new key remounts GraphiQL so the Headers tab shows the token just obtained.
    root.render(React.createElement(GraphiQL, {
      key: generation++,
      fetcher,
      defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
      headers,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      onEditHeaders: (value) => { headers = value; localStorage.setItem("opsconductor.headers", value); },
    }));
  }
  render();
  document.getElementById("bar").addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = document.getElementById("status");
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken expiresAt } }",
        variables: { u: document.getElementById("username").value, p: document.getElementById("password").value },
      }),
    });
    const body = await response.json();
    document.getElementById("password").value = "";
    if (!body.data || !body.data.login) {
      status.textContent = "Login failed: " + ((body.errors && body.errors[0] && body.errors[0].message) || response.status);
      return;
    }
    headers = JSON.stringify({ Authorization: "Bearer " + body.data.login.accessToken }, null, 2);
    localStorage.setItem("opsconductor.headers", headers);
    localStorage.setItem("graphiql:headers", headers);
    status.textContent = "Logged in; token expires " + body.data.login.expiresAt;
    render();
  });
</script>
</body>
</html>`;
}
