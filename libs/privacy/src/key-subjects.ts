/**
 * The key subject of events parked until their identifier is linked to a customer: their customer is not known
 * yet, so their personal fields are sealed with a key of the identifier and re-sealed for the customer on release.
 * `~` cannot start a customer id (identifiers start with a letter or digit), so the two never collide.
 */
export function parkingKeySubject(kind: string, value: string): string {
  return `~parked:${kind}:${value}`;
}
