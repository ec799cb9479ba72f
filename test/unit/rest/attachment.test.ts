import { describe, expect, it } from 'vitest';
import { attachmentHeader } from '../../../shared/rest/attachment.ts';

describe('the download header of a resource', () => {
  it('names the file, its printable ASCII form plain and its UTF-8 form percent-encoded', () => {
    expect(attachmentHeader('diagrams/order.png')).toBe(`attachment; filename="order.png"; filename*=UTF-8''order.png`);
    expect(attachmentHeader('流程.png')).toBe(`attachment; filename="__.png"; filename*=UTF-8''%E6%B5%81%E7%A8%8B.png`);
    expect(attachmentHeader('a"b\\c\u000bd(1)*.txt')).toBe(`attachment; filename="c_d(1)*.txt"; filename*=UTF-8''c%0Bd%281%29%2A.txt`);
  });
});
