/**
 * A pure function of a string key, remembered for the last `size` distinct keys (forgotten all
 * at once when full). Formatting dates with luxon/Intl is the costly part of rendering a
 * notification, and the deliveries of one change (and the reminders of one stage) share their dates.
 */
export function memoized<T>(compute: (key: string) => T, size = 512): (key: string) => T {
  const remembered = new Map<string, T>();
  return (key) => {
    const known = remembered.get(key);
    if (known !== undefined) return known;
    const value = compute(key);
    if (remembered.size >= size) remembered.clear();
    remembered.set(key, value);
    return value;
  };
}
