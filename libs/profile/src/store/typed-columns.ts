export type NumericColumn = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** A copy of `column` with `length` elements, the new tail set to `fill`. */
export function grownColumn<T extends NumericColumn>(column: T, length: number, fill: number): T {
  const grown = new (column.constructor as new (length: number) => T)(length);
  grown.set(column);
  if (fill !== 0) grown.fill(fill, column.length);
  return grown;
}

/**
 * The capacity to grow to so that `needed` fits. Growing by a quarter keeps growth amortised O(1) (each element is
 * copied about four times over all growths) and leaves at most a fifth unused; doubling would leave up to half.
 */
export function nextCapacity(current: number, needed: number): number {
  let capacity = Math.max(current, 4);
  while (capacity < needed) capacity = Math.ceil(capacity * 1.25);
  return capacity;
}
