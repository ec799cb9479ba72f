import { invalidRequest } from './errors.ts';

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Parses a multipart/form-data body (RFC 7578) held in memory, as API Gateway delivers it. */
export function parseMultipart(body: Buffer, contentType: string | undefined, what = 'Deployment requests'): MultipartPart[] {
  const boundaryMatch = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!contentType?.toLowerCase().startsWith('multipart/form-data') || !boundaryMatch) {
    throw invalidRequest(`${what} must be multipart/form-data with a boundary`);
  }
  const delimiter = Buffer.from(`--${boundaryMatch[1] ?? boundaryMatch[2]}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw invalidRequest('Malformed multipart body: boundary not found');
  while (true) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString() === '--') break;
    const headerEnd = body.indexOf('\r\n\r\n', position);
    if (headerEnd < 0) throw invalidRequest('Malformed multipart body: part without headers');
    const headers = body.subarray(position, headerEnd).toString('utf8').split('\r\n').filter(Boolean);
    const next = body.indexOf(delimiter, headerEnd + 4);
    if (next < 0) throw invalidRequest('Malformed multipart body: missing closing boundary');
    const data = body.subarray(headerEnd + 4, next - 2);
    const disposition = headers.find((h) => h.toLowerCase().startsWith('content-disposition')) ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw invalidRequest('Malformed multipart body: part without a name');
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const type = headers
      .find((h) => h.toLowerCase().startsWith('content-type'))
      ?.split(':')[1]
      ?.trim();
    parts.push({ name, filename, contentType: type, data });
    position = next;
  }
  return parts;
}
