import { errorCodes } from "@opsconductor/kit/testing";
import { createUser, firstError, login, loginOk, startHarness, unique, type Harness } from "./support";

// The default policy: 5 free failures per username, then 1 s, 2 s, 4 s, … (at most 300 s).
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

const GENERIC = { message: "Invalid username or password", extensions: { code: "UNAUTHENTICATED" } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const failures = async (username: string, count: number) => {
  for (let attempt = 0; attempt < count; attempt += 1) {
    expect(firstError(await login(h, username, `wrong-guess-${attempt}`))).toMatchObject(GENERIC);
  }
};

describe("login throttling per username", () => {
  it("refuses the right password sent last among 30 simultaneous logins with 29 wrong ones", async () => {
    const user = await createUser(h);
    const guesses = [...Array.from({ length: 29 }, (_, index) => `wrong-guess-${index}`), user.password];
    const responses = await Promise.all(guesses.map((password) => login(h, user.username, password)));

    const right = responses[29]!;
    expect(right.data?.login).toBeUndefined();
    expect(errorCodes(right)).toEqual([expect.stringMatching(/^(UNAUTHENTICATED|TOO_MANY_REQUESTS)$/)]);
    // One attempt at a time per username: the rest were turned away without a password check.
    const checked = responses.filter((response) => errorCodes(response)[0] === "UNAUTHENTICATED");
    expect(checked.length).toBeGreaterThanOrEqual(1);
    expect(checked.length).toBeLessThanOrEqual(5);
    expect(responses.filter((response) => errorCodes(response)[0] === "TOO_MANY_REQUESTS").length).toBe(30 - checked.length);
  });

  it("lets the owner in a second after a stranger's 5 wrong guesses: a short back-off, not a 15-minute lock", async () => {
    const user = await createUser(h);
    await failures(user.username, 5);
    expect(firstError(await login(h, user.username, user.password))).toMatchObject({
      message: "Too many attempts, try again in 1 s",
      extensions: { code: "TOO_MANY_REQUESTS", retryAfterSeconds: 1 },
    });
    await sleep(1_100);
    await loginOk(h, user);
    // The success reset the count: five more mistakes are free again.
    await failures(user.username, 5);
  });

  it("doubles the wait with each further failure", async () => {
    const user = await createUser(h);
    await failures(user.username, 5);
    await sleep(1_100);
    await failures(user.username, 1);
    expect(firstError(await login(h, user.username, user.password))?.extensions).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfterSeconds: 2 });
  });

  it("throttles unknown usernames exactly like existing ones", async () => {
    const known = await createUser(h);
    const unknown = unique("nobody");
    // Side by side, so both are equally far into their back-off when asked.
    await Promise.all([failures(known.username, 5), failures(unknown, 5)]);
    const [knownAnswer, unknownAnswer] = await Promise.all([login(h, known.username, "another-guess"), login(h, unknown, "another-guess")]);
    expect(firstError(unknownAnswer)).toMatchObject({ extensions: { code: "TOO_MANY_REQUESTS", retryAfterSeconds: 1 } });
    expect(unknownAnswer.errors).toEqual(knownAnswer.errors);
    expect(unknownAnswer.status).toBe(knownAnswer.status);
  });
});

describe("login throttling per client address", () => {
  const IP_MAX_ATTEMPTS = 4;
  let ip: Harness;
  beforeAll(async () => {
    ip = await startHarness({ LOGIN_IP_MAX_ATTEMPTS: String(IP_MAX_ATTEMPTS) });
  });
  afterAll(() => ip.stop());

  it(`backs one address off after ${IP_MAX_ATTEMPTS} failures spread over as many usernames, whatever username comes next`, async () => {
    const user = await createUser(ip);
    for (let attempt = 0; attempt < IP_MAX_ATTEMPTS; attempt += 1) {
      expect(firstError(await login(ip, unique("spray"), "summer-2024-guess"))).toMatchObject(GENERIC);
    }
    // A username never tried before, with its right password: the address is backing off.
    expect(firstError(await login(ip, user.username, user.password))).toMatchObject({ extensions: { code: "TOO_MANY_REQUESTS", retryAfterSeconds: 1 } });
    await sleep(1_100);
    await loginOk(ip, user);
  });
});
