import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Dev mode (`npm run dev -w web`): Vite with hot reload on :5173, /graphql (HTTP and WebSocket) passed to
// the gateway of `npm start` (GATEWAY_URL, default http://127.0.0.1:4000). The built app is served by
// web/server.cjs instead (see README "Web console").
const gateway = process.env.GATEWAY_URL ?? "http://127.0.0.1:4000";

export default defineConfig({
  plugins: [react()],
  // The validation rules the targets service enforces, from their TypeScript source (kit builds CommonJS
  // for the services; this file is pure and the browser bundles it as is).
  resolve: { alias: { "@opsconductor/kit/rules": fileURLToPath(new URL("../packages/kit/src/rules/index.ts", import.meta.url)) } },
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    proxy: { "/graphql": { target: gateway, ws: true, changeOrigin: true } },
  },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.tsx", "src/**/*.test.ts"],
    setupFiles: ["./src/test/setup.ts"],
    testTimeout: 30_000,
    css: false,
  },
});
