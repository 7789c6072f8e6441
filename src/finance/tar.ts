import assert from 'node:assert/strict';

/**
 * A deterministic POSIX ustar archive, enough to bundle a snapshot's files for download without
 * a dependency: regular files only, mode 0644, owner 0:0 with no names, and every mtime the
 * snapshot's as-of instant, so the same files always give the same archive bytes.
 */

export const TAR_BLOCK = 512;
const NAME_MAX = 100;

const octal = (value: number, width: number): string => `${value.toString(8).padStart(width - 1, '0')}\0`;

/** The 512-byte header of one regular file. */
export const tarHeader = (name: string, size: number, mtimeSeconds: number): Buffer => {
  assert.ok(Buffer.byteLength(name) <= NAME_MAX && !name.includes('/'), `tar member name must be a plain name of at most ${NAME_MAX} bytes: ${name}`);
  assert.ok(Number.isSafeInteger(size) && size >= 0 && size < 8 ** 11, `tar member size out of range: ${size}`);
  const header = Buffer.alloc(TAR_BLOCK, 0);
  header.write(name, 0, 'utf8');
  header.write(octal(0o644, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii');
  header.write(octal(0, 8), 116, 'ascii');
  header.write(octal(size, 12), 124, 'ascii');
  header.write(octal(Math.max(0, Math.floor(mtimeSeconds)), 12), 136, 'ascii');
  header.write('        ', 148, 'ascii');
  header.write('0', 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
};

/** Zeros that fill a member's data to a whole block. */
export const tarPadding = (size: number): Buffer => Buffer.alloc((TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK, 0);

/** Two zero blocks end the archive. */
export const TAR_END = Buffer.alloc(2 * TAR_BLOCK, 0);

/** The archive's length for members of these sizes (sent as Content-Length before streaming). */
export const tarLength = (sizes: readonly number[]): number =>
  sizes.reduce((sum, size) => sum + TAR_BLOCK + size + tarPadding(size).length, 0) + TAR_END.length;
