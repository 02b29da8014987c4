/** Polls until `check` returns a value other than undefined; for state that settles asynchronously. */
export function eventually<T>(check: () => Promise<T | undefined>, timeoutMs?: number, everyMs?: number): Promise<T>;
