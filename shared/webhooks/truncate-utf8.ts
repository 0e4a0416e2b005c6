/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`; never splits a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  return utf8Prefix(bytes, maxBytes);
}

/** Decodes at most `maxBytes` of UTF-8 `bytes`, dropping a character the limit would cut in two. */
export function utf8Prefix(bytes: Uint8Array, maxBytes: number): string {
  let end = Math.min(bytes.length, Math.max(0, maxBytes));
  if (end < bytes.length) {
    // step back over continuation bytes (10xxxxxx) to the start of the cut character
    let start = end;
    while (start > 0 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start -= 1;
    end = start;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('utf8');
}
