import type { Express } from "express";
import type { SigningKeyService } from "./signing-key.service";

/** `GET /.well-known/jwks.json`: the public keys every other service verifies access tokens with. */
export function jwksRoutes(app: Express, keys: SigningKeyService) {
  app.get("/.well-known/jwks.json", async (_req, res) => {
    res.set("cache-control", "public, max-age=60").json(await keys.jwks());
  });
}
