import { closeBullScheduler } from "./bull-parts";

describe("closeBullScheduler", () => {
  it("stops the timer, then the worker, then the queue, then the connections", async () => {
    const order: string[] = [];
    const timer = setInterval(() => order.push("tick"), 1);
    const part = (name: string) => ({ close: async () => void order.push(name), disconnect: () => void order.push(name) });
    await closeBullScheduler({ timer, worker: part("worker") as never, queue: part("queue") as never, workerConnection: part("worker connection") as never, connection: part("connection") as never });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual(["worker", "queue", "worker connection", "connection"]);
  });
});
