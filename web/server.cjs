// @ts-check
// Serves the built console (web/dist) and passes /graphql — HTTP and the graphql-ws WebSocket upgrade — to
// the gateway, so the page, its API and the refresh cookie (Path=/graphql, set by the gateway) share one
// origin. Node's own http and net only: no proxy dependency. Unknown paths answer index.html (the router's
// client-side routes); files under /assets are content-hashed and cached for a year.
"use strict";
const fs = require("node:fs");
const http = require("node:http");
const net = require("node:net");
const path = require("node:path");

const DIST = path.join(__dirname, "dist");
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

/**
 * @param {{ port: number, host?: string, gatewayUrl: string, root?: string }} options  gatewayUrl: base, e.g. http://127.0.0.1:4000
 * @returns {Promise<{ server: http.Server, url: string, close: () => Promise<void> }>}
 */
function startWebServer({ port, host = "127.0.0.1", gatewayUrl, root = DIST }) {
  const gateway = new URL(gatewayUrl);
  const index = path.join(root, "index.html");
  if (!fs.existsSync(index)) throw new Error(`${index} is missing: build the console first (npm run build -w web)`);
  const isApi = (/** @type {string} */ url) => url === "/graphql" || url.startsWith("/graphql?") || url.startsWith("/graphql/");

  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    if (isApi(url)) {
      const upstream = http.request(
        { host: gateway.hostname, port: gateway.port, method: req.method, path: url, headers: { ...req.headers, host: gateway.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => {
        if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ message: "The gateway is not reachable", extensions: { code: "BAD_GATEWAY" } }] }));
      });
      req.pipe(upstream);
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const pathname = decodeURIComponent(new URL(url, "http://x").pathname);
    const file = path.join(root, path.normalize(pathname));
    const inside = file.startsWith(root + path.sep);
    const target = inside && fs.existsSync(file) && fs.statSync(file).isFile() ? file : index;
    const headers = {
      "content-type": TYPES[path.extname(target)] ?? "application/octet-stream",
      "cache-control": pathname.startsWith("/assets/") && target !== index ? "public, max-age=31536000, immutable" : "no-cache",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY",
    };
    res.writeHead(200, headers);
    if (req.method === "HEAD") res.end();
    else fs.createReadStream(target).pipe(res);
  });

  // WebSocket (graphql-ws): pass the upgrade request through and splice the two sockets.
  server.on("upgrade", (req, socket, head) => {
    if (!isApi(req.url ?? "")) {
      socket.destroy();
      return;
    }
    const upstream = net.connect(Number(gateway.port), gateway.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i];
        lines.push(`${name}: ${name.toLowerCase() === "host" ? gateway.host : req.rawHeaders[i + 1]}`);
      }
      upstream.write(lines.join("\r\n") + "\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    const close = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on("error", close);
    socket.on("error", close);
    upstream.on("close", close);
    socket.on("close", close);
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = /** @type {net.AddressInfo} */ (server.address());
      resolve({
        server,
        url: `http://${host}:${address.port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done(undefined));
          }),
      });
    });
  });
}

module.exports = { startWebServer };

// `node web/server.cjs` (PORT, GATEWAY_URL): the console on its own, e.g. in front of a running gateway.
if (require.main === module) {
  const port = Number(process.env.PORT ?? 3000);
  startWebServer({ port, gatewayUrl: process.env.GATEWAY_URL ?? "http://127.0.0.1:4000" }).then(({ url }) => console.log(`web console: ${url}`));
}
