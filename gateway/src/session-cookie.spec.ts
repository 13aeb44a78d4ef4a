import express from "express";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { readCookie, REFRESH_COOKIE, SESSION_HEADER, sessionCookies } from "./session-cookie";

/** A stand-in for the GraphQL endpoint behind the middleware: echoes the variables it received and answers `reply`. */
let reply: unknown;
let received: Record<string, unknown> | undefined;
let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(express.json(), sessionCookies(3600), (req, res) => {
    received = (req.body as { variables?: Record<string, unknown> }).variables;
    res.type("application/json").send(JSON.stringify(reply));
  });
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const post = (variables: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(base, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query: "x", variables }) });

describe("session cookies for the web console", () => {
  it("login with stay-signed-in: the refresh token goes into a persistent HttpOnly Secure SameSite=Strict cookie, not the body", async () => {
    reply = { data: { login: { accessToken: "a", refreshToken: "r1" } } };
    const response = await post({}, { [SESSION_HEADER]: "persistent" });
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toBe(`${REFRESH_COOKIE}=p.r1; Path=/graphql; HttpOnly; Secure; SameSite=Strict; Max-Age=3600`);
    expect(await response.json()).toEqual({ data: { login: { accessToken: "a", refreshToken: "" } } });
  });

  it("login without it: a browser-session cookie; a refresh keeps that choice and reads the token from the cookie", async () => {
    reply = { data: { login: { accessToken: "a", refreshToken: "r1" } } };
    const login = await post({}, { [SESSION_HEADER]: "session" });
    expect(login.headers.get("set-cookie")).toBe(`${REFRESH_COOKIE}=s.r1; Path=/graphql; HttpOnly; Secure; SameSite=Strict`);
    reply = { data: { refreshToken: { accessToken: "b", refreshToken: "r2" } } };
    const refreshed = await post({ refreshToken: "" }, { [SESSION_HEADER]: "cookie", cookie: `${REFRESH_COOKIE}=s.r1` });
    expect(received).toEqual({ refreshToken: "r1" });
    expect(refreshed.headers.get("set-cookie")).toBe(`${REFRESH_COOKIE}=s.r2; Path=/graphql; HttpOnly; Secure; SameSite=Strict`);
  });

  it("clears the cookie on logout and on a refused refresh", async () => {
    reply = { data: { logout: true } };
    expect((await post({ refreshToken: "" }, { [SESSION_HEADER]: "cookie", cookie: `${REFRESH_COOKIE}=p.r9` })).headers.get("set-cookie")).toContain("Max-Age=0");
    reply = { data: null, errors: [{ message: "Invalid or expired refresh token", path: ["refreshToken"], extensions: { code: "UNAUTHENTICATED" } }] };
    expect((await post({ refreshToken: "" }, { [SESSION_HEADER]: "cookie", cookie: `${REFRESH_COOKIE}=p.r9` })).headers.get("set-cookie")).toContain(`${REFRESH_COOKIE}=;`);
  });

  it("leaves clients without the header alone: tokens stay in the body, no cookie is read or set", async () => {
    reply = { data: { login: { accessToken: "a", refreshToken: "r1" } } };
    const response = await post({ refreshToken: "" }, { cookie: `${REFRESH_COOKIE}=p.r9` });
    expect(received).toEqual({ refreshToken: "" });
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.json()).toEqual(reply);
  });

  it("reads one cookie among several", () => {
    expect(readCookie(`a=1; ${REFRESH_COOKIE}=p.x%3Dy; b=2`, REFRESH_COOKIE)).toBe("p.x=y");
    expect(readCookie(undefined, REFRESH_COOKIE)).toBeUndefined();
  });
});
