/**
 * Low-cardinality strings (countries, languages, channels, merchant categories) stored once per partition, so
 * the per-customer rows hold small integers. Ids are dense and assigned in first-seen order.
 */
export class StringInterner {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];

  intern(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }

  valueOf(id: number): string {
    const value = this.values[id];
    if (value === undefined) throw new RangeError(`no interned string ${id}`);
    return value;
  }

  get size(): number {
    return this.values.length;
  }

  all(): readonly string[] {
    return this.values;
  }
}
