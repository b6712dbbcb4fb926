/** Thrown instead of queueing when a Semaphore's queue is full. */
export class QueueFull extends Error {
  override readonly name = 'QueueFull';
}

/**
 * Limits how many async tasks run at once; the rest wait in FIFO order, up to `maxWaiting`
 * of them. One more is refused at once with QueueFull, so a flood is answered quickly
 * instead of making everyone behind it wait.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting = Number.POSITIVE_INFINITY,
  ) {}

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Tasks holding a slot. */
  get running(): number {
    return this.active;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      if (this.waiting.length >= this.maxWaiting) throw new QueueFull('the queue is full');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
