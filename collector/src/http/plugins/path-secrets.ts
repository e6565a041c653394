/**
 * Other tools' agents carry the enroll secret in their URL (`/ocsinventory/<secret>`): the
 * only credential they can be given. It never reaches a log line or a problem's `instance`.
 */
export function redactPathSecret(url: string): string {
  return url.replace(/^(\/ocsinventory\/)[^/?#]+/i, '$1<secret>');
}
