export type NumericColumn = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** A copy of `column` with `length` elements, the new tail set to `fill`. */
export function grownColumn<T extends NumericColumn>(column: T, length: number, fill: number): T {
  const grown = new (column.constructor as new (length: number) => T)(length);
  grown.set(column);
  if (fill !== 0) grown.fill(fill, column.length);
  return grown;
}

/** The capacity to grow to so that `needed` fits: doubling keeps growth amortised O(1). */
export function nextCapacity(current: number, needed: number): number {
  let capacity = Math.max(current, 4);
  while (capacity < needed) capacity *= 2;
  return capacity;
}
