import { describe, expect, it } from 'vitest';
import { attachmentFileName, formatFileSize } from './task-attachments';

describe('task attachment helpers (U6)', () => {
  it('U6 keeps a plain name, replaces characters the API refuses, and shortens a long name keeping its ending', () => {
    expect(attachmentFileName('学历核查说明.pdf')).toBe('学历核查说明.pdf');
    expect(attachmentFileName('a/b:c?.pdf')).toBe('a_b_c_.pdf');
    expect(attachmentFileName('   ')).toBe('附件');
    const long = attachmentFileName(`${'长'.repeat(150)}.jpeg`);
    expect(long).toHaveLength(100);
    expect(long.endsWith('.jpeg')).toBe(true);
  });

  it('U6 shows sizes in KB below one MB and in MB above', () => {
    expect(formatFileSize(10)).toBe('1KB');
    expect(formatFileSize(2048)).toBe('2KB');
    expect(formatFileSize(3 * 1024 * 1024)).toBe('3.0MB');
  });
});
