import type { Logger } from "./logger";

type Hook = () => Promise<unknown> | unknown;

/**
 * Clean shutdown: on SIGTERM/SIGINT run the registered hooks in reverse order (server first,
 * then workers, queues, AMQP, Prisma), then exit. A second signal forces the exit.
 */
export class Lifecycle {
  private readonly hooks: Array<{ name: string; hook: Hook }> = [];
  private stopping?: Promise<void>;

  constructor(private readonly logger: Logger, private readonly timeoutMs = 10_000) {}

  onShutdown(name: string, hook: Hook): void {
    this.hooks.push({ name, hook });
  }

  listen(): void {
    const handle = (signal: string) => {
      if (this.stopping) {
        this.logger.warn("second signal, exiting now", { signal });
        process.exit(1);
      }
      this.logger.info("shutting down", { signal });
      void this.shutdown().then(() => process.exit(0));
    };
    process.on("SIGTERM", () => handle("SIGTERM"));
    process.on("SIGINT", () => handle("SIGINT"));
  }

  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      const timer = setTimeout(() => {
        this.logger.error("shutdown timed out");
        process.exit(1);
      }, this.timeoutMs);
      timer.unref();
      for (const { name, hook } of [...this.hooks].reverse()) {
        try {
          await hook();
        } catch (error) {
          this.logger.error("shutdown hook failed", { hook: name, error });
        }
      }
      clearTimeout(timer);
    })();
    return this.stopping;
  }
}

/** Entry-point wrapper: logs a startup failure and exits non-zero. */
export function runMain(logger: Logger, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    logger.error("failed to start", { error });
    process.exit(1);
  });
}
