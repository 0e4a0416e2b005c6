import { describe, expect, it } from 'vitest';
import { open, rewrap, seal } from '../envelope.js';
import { type KeyWrapper, SecretOpenError } from '../ports.js';

/** Behaviour every {@link KeyWrapper} must have, exercised through the envelope it serves. */
export function describeKeyWrapperContract(
  name: string,
  make: () => Promise<{ wrapper: KeyWrapper; rotate(): Promise<void> | void }>,
): void {
  describe(`${name} (KeyWrapper contract)`, () => {
    it('seals a secret that opens only in its own context', async () => {
      const { wrapper } = await make();
      const sealed = await seal(wrapper, '1//refresh-token-value', 'ctx:a');
      expect(JSON.stringify(sealed)).not.toContain('refresh-token-value');
      expect(await open(wrapper, sealed, 'ctx:a')).toBe('1//refresh-token-value');
      const error = await open(wrapper, sealed, 'ctx:b').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SecretOpenError);
      expect(String((error as Error).message)).not.toContain('refresh-token-value');
    });

    it('refuses a tampered ciphertext', async () => {
      const { wrapper } = await make();
      const sealed = await seal(wrapper, 'secret', 'ctx');
      const bytes = Buffer.from(sealed.ciphertext, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      await expect(
        open(wrapper, { ...sealed, ciphertext: bytes.toString('base64') }, 'ctx'),
      ).rejects.toBeInstanceOf(SecretOpenError);
    });

    it('refuses a sealed secret whose authentication tag was cut short of 16 bytes', async () => {
      const { wrapper } = await make();
      const sealed = await seal(wrapper, 'secret', 'ctx');
      // GCM checks a short tag against the tag's prefix: 4 genuine bytes would otherwise pass
      for (const bytes of [4, 12, 15]) {
        const tag = Buffer.from(sealed.tag, 'base64').subarray(0, bytes).toString('base64');
        await expect(open(wrapper, { ...sealed, tag }, 'ctx')).rejects.toBeInstanceOf(SecretOpenError);
      }
    });

    it('uses a fresh data key every time', async () => {
      const { wrapper } = await make();
      const a = await seal(wrapper, 'same', 'ctx');
      const b = await seal(wrapper, 'same', 'ctx');
      expect(a.wrappedKey).not.toBe(b.wrappedKey);
      expect(a.ciphertext).not.toBe(b.ciphertext);
    });

    it('rewraps to the new key after rotation, and both old and new still open', async () => {
      const ctx = await make();
      const old = await seal(ctx.wrapper, 'rotating', 'ctx');
      await ctx.rotate();
      const next = await rewrap(ctx.wrapper, old, 'ctx');
      expect(next.keyId).not.toBe(old.keyId);
      expect(next.ciphertext).toBe(old.ciphertext);
      expect(await open(ctx.wrapper, next, 'ctx')).toBe('rotating');
      expect(await open(ctx.wrapper, old, 'ctx')).toBe('rotating');
    });
  });
}
