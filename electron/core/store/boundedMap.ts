/**
 * A Map that empties itself when it reaches its cap: the caches of an import (addresses,
 * scripts, Tron address forms) keep their hot entries in memory without growing with the file.
 * Emptying at once is crude but cheap; hot entries come back on their next use.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly cap: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.cap && !this.has(key)) this.clear();
    return super.set(key, value);
  }
}
