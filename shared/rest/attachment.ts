/**
 * Camunda's download header (URLEncodingUtil): the file name, and its UTF-8 form percent-encoded
 * (RFC 5987). The plain `filename` keeps printable ASCII only, so any resource name makes a valid header.
 */
export function attachmentHeader(resourceName: string): string {
  const file = resourceName.replace(/\\/g, '/').split('/').pop() ?? resourceName;
  const ascii = file.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(file).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
