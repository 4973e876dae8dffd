import { describe, expect, it } from 'vitest';
import { escapeLike } from './escape-like';

describe('escapeLike', () => {
  it('escapes the LIKE wildcards and the escape character, nothing else', () => {
    expect(escapeLike('张_三%\\')).toBe('张\\_三\\%\\\\');
    expect(escapeLike('王五')).toBe('王五');
  });
});
