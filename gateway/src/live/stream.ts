/**
 * A push-based async iterator for one subscription. Unlike an `async function*`, whose `return()`
 * waits until the generator's pending `await` settles (so a subscription whose client has left would
 * stay on its Redis channel until the next message), `return()` here ends the stream at once: a
 * pending `next()` resolves done, buffered values are dropped, and `onEnd` runs (exactly once,
 * however the stream ends: the consumer's return(), or the producer's end()).
 */
export class LiveStream<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private state: "open" | "ending" | "done" = "open";
  private failure?: { error: unknown };
  private waiting?: { resolve(result: IteratorResult<T>): void; reject(error: unknown): void };
  private taken: Array<() => void> = [];

  constructor(private onEnd?: () => void) {}

  /** Whether the stream has ended or is ending: values pushed now are dropped. */
  get closed(): boolean {
    return this.state !== "open";
  }

  /** Values pushed and not yet taken by the consumer. */
  get size(): number {
    return this.buffer.length;
  }

  push(value: T): void {
    if (this.state !== "open") return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ value, done: false });
      return;
    }
    this.buffer.push(value);
  }

  /** Ends the stream once the values already pushed are taken; with an error, the consumer's last next() rejects with it. */
  end(error?: unknown): void {
    if (this.state !== "open") return;
    this.state = "ending";
    if (error !== undefined) this.failure = { error };
    this.runOnEnd();
    if (!this.buffer.length && this.waiting) {
      const waiting = this.waiting;
      this.waiting = undefined;
      this.settle().then(waiting.resolve, waiting.reject);
    }
  }

  /** Resolves once every value pushed so far has been taken, or the stream is done: backpressure for the producer. */
  whenTaken(): Promise<void> {
    if (!this.buffer.length || this.state === "done") return Promise.resolve();
    return new Promise((resolve) => this.taken.push(resolve));
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length) {
      const value = this.buffer.shift() as T;
      if (!this.buffer.length) this.notifyTaken();
      return Promise.resolve({ value, done: false });
    }
    if (this.state !== "open") return this.settle();
    if (this.waiting) return Promise.reject(new Error("LiveStream: next() called while a previous next() is pending"));
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** The consumer leaves: ends at once, never waits for a value. */
  return(): Promise<IteratorResult<T>> {
    this.buffer.length = 0;
    this.failure = undefined;
    this.state = "done";
    this.runOnEnd();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ value: undefined, done: true });
    this.notifyTaken();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private settle(): Promise<IteratorResult<T>> {
    this.state = "done";
    this.notifyTaken();
    const failure = this.failure;
    this.failure = undefined;
    return failure ? Promise.reject(failure.error) : Promise.resolve({ value: undefined, done: true });
  }

  private notifyTaken() {
    const taken = this.taken;
    this.taken = [];
    for (const resolve of taken) resolve();
  }

  private runOnEnd() {
    const onEnd = this.onEnd;
    this.onEnd = undefined;
    onEnd?.();
  }
}
