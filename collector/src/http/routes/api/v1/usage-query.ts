/** The moment a usage read classifies at: the end of the `asOf` day (UTC), or now. */
export function asOfDate(asOf: string | undefined): Date {
  return asOf === undefined ? new Date() : new Date(`${asOf}T23:59:59.999Z`);
}
