import { LiveStream } from "./stream";

describe("LiveStream", () => {
  it("hands out pushed values in order, to waiting and to later next() calls", async () => {
    const stream = new LiveStream<number>();
    const first = stream.next();
    stream.push(1);
    stream.push(2);
    stream.push(3);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await stream.next()).toEqual({ value: 2, done: false });
    expect(await stream.next()).toEqual({ value: 3, done: false });
  });

  it("return() ends a pending next() at once and runs onEnd once (no waiting for a value, unlike an async generator)", async () => {
    const onEnd = jest.fn();
    const stream = new LiveStream<number>(onEnd);
    const pending = stream.next();
    await expect(stream.return()).resolves.toEqual({ value: undefined, done: true });
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    await stream.return();
    stream.end();
    expect(onEnd).toHaveBeenCalledTimes(1);
    stream.push(1);
    await expect(stream.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it("end() delivers what was pushed before it, then done; onEnd runs when end() is called", async () => {
    const onEnd = jest.fn();
    const stream = new LiveStream<string>(onEnd);
    stream.push("last");
    stream.end();
    expect(onEnd).toHaveBeenCalledTimes(1);
    expect(stream.closed).toBe(true);
    const seen: string[] = [];
    for await (const value of stream) seen.push(value);
    expect(seen).toEqual(["last"]);
  });

  it("end(error) rejects the consumer's next() after the buffered values", async () => {
    const stream = new LiveStream<number>();
    stream.push(1);
    stream.end(new Error("gone"));
    expect(await stream.next()).toEqual({ value: 1, done: false });
    await expect(stream.next()).rejects.toThrow("gone");
    await expect(stream.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it("whenTaken() resolves once the consumer took every pushed value, or the stream ended", async () => {
    const stream = new LiveStream<number>();
    await stream.whenTaken();
    stream.push(1);
    stream.push(2);
    let taken = false;
    const waiting = stream.whenTaken().then(() => (taken = true));
    await stream.next();
    await Promise.resolve();
    expect(taken).toBe(false);
    await stream.next();
    await waiting;
    expect(taken).toBe(true);
    stream.push(3);
    const afterReturn = stream.whenTaken();
    await stream.return();
    await afterReturn;
  });

  it("a for-await loop over it ends when return() is called from outside (graphql-ws's complete)", async () => {
    const stream = new LiveStream<number>();
    const seen: number[] = [];
    const loop = (async () => {
      for await (const value of stream) seen.push(value);
    })();
    stream.push(1);
    await new Promise((resolve) => setImmediate(resolve));
    await stream.return();
    await loop;
    expect(seen).toEqual([1]);
  });
});
