/**
 * A small lazy pool for adapters whose driver has none (DuckDB connections, warehouse sessions): at most
 * `max` items, created on first demand, handed out first-come first-served, and reset before reuse so that
 * a node that failed mid-transaction cannot leak its transaction into the next node.
 */
import type { Connection } from './types.js';

export interface PoolOptions<T> {
  /** Most items alive at once (usually the target's threads). At least 1. */
  max: number;
  create(): Promise<T>;
  /** Called when an item comes back, before anyone else gets it (roll back an open transaction...). */
  reset?(item: T): Promise<void>;
  destroy(item: T): Promise<void>;
}

export class Pool<T> {
  private readonly idle: T[] = [];
  private readonly busy = new Set<T>();
  private readonly waiters: { resolve(item: T): void; reject(err: unknown): void }[] = [];
  private creating = 0;
  private closed = false;

  constructor(private readonly options: PoolOptions<T>) {
    if (!(options.max >= 1)) this.options = { ...options, max: 1 };
  }

  /** Items currently handed out (to cancel what they run). */
  get inUse(): T[] {
    return [...this.busy];
  }

  async acquire(): Promise<T> {
    if (this.closed) throw new Error('the connection pool is closed');
    const item = this.idle.pop();
    if (item !== undefined) {
      this.busy.add(item);
      return item;
    }
    if (this.busy.size + this.creating < this.options.max) {
      this.creating++;
      try {
        const created = await this.options.create();
        this.busy.add(created);
        return created;
      } finally {
        this.creating--;
      }
    }
    return new Promise<T>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Gives an item back; it is reset first and destroyed instead if the reset fails. */
  release(item: T): void {
    if (!this.busy.has(item)) return;
    const reset = this.options.reset ? this.options.reset(item) : Promise.resolve();
    reset.then(
      () => this.handBack(item),
      () => {
        this.busy.delete(item);
        void this.options.destroy(item).catch(() => undefined);
        this.replaceForWaiter();
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the connection pool is closed'));
    const all = [...this.idle.splice(0), ...this.busy];
    this.busy.clear();
    await Promise.allSettled(all.map((item) => this.options.destroy(item)));
  }

  private handBack(item: T): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(item);
      return;
    }
    this.busy.delete(item);
    this.idle.push(item);
  }

  /** A destroyed item frees a slot: create a fresh one for the next waiter, if any. */
  private replaceForWaiter(): void {
    const waiter = this.waiters.shift();
    if (!waiter || this.closed) return;
    this.creating++;
    this.options
      .create()
      .then(
        (created) => {
          this.busy.add(created);
          waiter.resolve(created);
        },
        (err: unknown) => waiter.reject(err),
      )
      .finally(() => this.creating--);
  }
}

/** `Adapter.withConnection` for adapters with acquire/release: the connection goes back whatever `fn` does. */
export async function withAcquired<T>(
  owner: { acquire(): Promise<Connection>; release(connection: Connection): void },
  fn: (connection: Connection) => Promise<T>,
): Promise<T> {
  const connection = await owner.acquire();
  try {
    return await fn(connection);
  } finally {
    owner.release(connection);
  }
}
