/** Escapes the LIKE wildcards (and the escape character) of user input. */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);
