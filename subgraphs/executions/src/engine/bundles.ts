import { callInternal, targetConnectionBundlesContract, type TargetConnectionBundle } from "@opsconductor/kit";

/** How long a request for a bundle waits for others to join it, and the most ids one call carries. */
const BATCH_WINDOW_MS = 20;
const BATCH_MAX = 200;

interface Waiter {
  resolve(bundle: TargetConnectionBundle): void;
  reject(error: Error): void;
}

/**
 * Connection bundles for the attempts starting in this worker, fetched from targets at run time in
 * batches: the attempts of a run start together, and one call for the bundles asked for within
 * BATCH_WINDOW_MS costs targets one transaction instead of one each. A bundle (with its secret) lives
 * only in this process's memory, and only until it is handed to the attempt that asked for it:
 * nothing is cached, and nothing goes to Redis or a queue.
 */
export class BundleLoader {
  private waiting: Array<{ targetId: string } & Waiter> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly config: { targetsUrl: string; serviceToken: string }) {}

  load(targetId: string): Promise<TargetConnectionBundle> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ targetId, resolve, reject });
      if (this.waiting.length >= BATCH_MAX) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), BATCH_WINDOW_MS);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    if (!batch.length) return;
    callInternal(this.config.targetsUrl, targetConnectionBundlesContract, {
      // One id per attempt, repeats included: targets records every use.
      body: { ids: batch.map((waiter) => waiter.targetId) },
      serviceToken: this.config.serviceToken,
      timeoutMs: 10_000,
      // A read: repeated on a 5xx or a network failure.
      retries: 3,
    }).then(
      ({ bundles, failures }) => {
        const found = new Map(bundles.map((bundle) => [bundle.target.id, bundle]));
        const failed = new Map(failures.map((failure) => [failure.id, failure.message]));
        for (const waiter of batch) {
          const bundle = found.get(waiter.targetId);
          if (bundle) waiter.resolve(bundle);
          else waiter.reject(new Error(failed.get(waiter.targetId) ?? `targets returned no connection bundle for ${waiter.targetId}`));
        }
      },
      (error: Error) => {
        for (const waiter of batch) waiter.reject(error);
      },
    );
  }
}
