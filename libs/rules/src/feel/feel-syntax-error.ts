/** A FEEL expression that cannot be parsed. Carries the position so deploy-time findings can point at it. */
export class FeelSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly source: string,
    readonly position: number,
  ) {
    super(`${reason} at position ${position} in '${source}'`);
    this.name = 'FeelSyntaxError';
  }
}
