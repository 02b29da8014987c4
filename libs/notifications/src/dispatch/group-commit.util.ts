/**
 * Writes items in as few statements as possible while holding none back for long: the first item
 * added while no write runs is written after `lingerMs` (0: in the same turn of the event loop),
 * together with every item added meanwhile; items added while a write runs are written together
 * right after it. Each `add` settles when its own item is written (or its statement failed).
 */
export class GroupCommit<T> {
  private queue: { item: T; done: () => void; failed: (error: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly lingerMs = 0,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((done, failed) => {
      this.queue.push({ item, done, failed });
      if (this.writing) return;
      this.writing = true;
      if (this.lingerMs > 0) setTimeout(() => void this.drain(), this.lingerMs);
      else queueMicrotask(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.write(batch.map((entry) => entry.item));
        for (const entry of batch) entry.done();
      } catch (error) {
        for (const entry of batch) entry.failed(error);
      }
    }
    this.writing = false;
  }
}
