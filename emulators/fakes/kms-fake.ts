import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/** A running local fake of the Cloud KMS v1 REST surface (encrypt / decrypt on symmetric keys). */
export interface KmsFake {
  /** `host:port`, for the client's `apiEndpoint` + `port`. */
  host: string;
  port: number;
  /** Adds a new primary version to `cryptoKey`; later encrypts use it, older versions still decrypt. */
  rotate(cryptoKey: string): string;
  /** Number of encrypt and decrypt calls served. */
  calls: { encrypt: number; decrypt: number };
  stop(): Promise<void>;
}

interface KeyState {
  versions: Map<string, Buffer>;
  primary: string;
}

function googleError(code: number, status: string, message: string) {
  return JSON.stringify({ error: { code, message, status } });
}

/**
 * Starts the fake on 127.0.0.1. Keys spring into existence on first use. Ciphertext embeds the version
 * that produced it, as Cloud KMS does, so decrypt needs only the crypto key name.
 */
export async function startKmsFake(): Promise<KmsFake> {
  const keys = new Map<string, KeyState>();
  const calls = { encrypt: 0, decrypt: 0 };
  const keyFor = (name: string) => {
    let k = keys.get(name);
    if (!k) {
      k = { versions: new Map([['1', randomBytes(32)]]), primary: '1' };
      keys.set(name, k);
    }
    return k;
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://kms').pathname;
      const match =
        /^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/:]+):(encrypt|decrypt)$/.exec(
          path,
        );
      res.setHeader('content-type', 'application/json');
      if (req.method !== 'POST' || !match) {
        res.writeHead(404).end(googleError(404, 'NOT_FOUND', `no such method ${req.method} ${req.url}`));
        return;
      }
      const [, name, verb] = match as unknown as [string, string, 'encrypt' | 'decrypt'];
      let body: { plaintext?: string; ciphertext?: string; additionalAuthenticatedData?: string };
      try {
        body = JSON.parse(raw || '{}');
      } catch {
        res.writeHead(400).end(googleError(400, 'INVALID_ARGUMENT', 'body is not JSON'));
        return;
      }
      const key = keyFor(name);
      const aad = Buffer.from(body.additionalAuthenticatedData ?? '', 'base64');
      if (verb === 'encrypt') {
        calls.encrypt += 1;
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', key.versions.get(key.primary)!, iv);
        cipher.setAAD(aad);
        const out = Buffer.concat([
          cipher.update(Buffer.from(body.plaintext ?? '', 'base64')),
          cipher.final(),
        ]);
        const version = Buffer.from(key.primary);
        const ciphertext = Buffer.concat([
          Buffer.from([version.length]),
          version,
          iv,
          cipher.getAuthTag(),
          out,
        ]);
        res.writeHead(200).end(
          JSON.stringify({
            name: `${name}/cryptoKeyVersions/${key.primary}`,
            ciphertext: ciphertext.toString('base64'),
          }),
        );
        return;
      }
      calls.decrypt += 1;
      const data = Buffer.from(body.ciphertext ?? '', 'base64');
      const length = data[0] ?? 0;
      const version = data.subarray(1, 1 + length).toString();
      const secret = key.versions.get(version);
      try {
        if (!secret) throw new Error('unknown version');
        const decipher = createDecipheriv('aes-256-gcm', secret, data.subarray(1 + length, 13 + length));
        decipher.setAAD(aad);
        decipher.setAuthTag(data.subarray(13 + length, 29 + length));
        const plaintext = Buffer.concat([decipher.update(data.subarray(29 + length)), decipher.final()]);
        res.writeHead(200).end(JSON.stringify({ plaintext: plaintext.toString('base64') }));
      } catch {
        res
          .writeHead(400)
          .end(googleError(400, 'INVALID_ARGUMENT', 'Decryption failed: the ciphertext is invalid.'));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: '127.0.0.1',
    port,
    calls,
    rotate(cryptoKey) {
      const key = keyFor(cryptoKey);
      const next = String(key.versions.size + 1);
      key.versions.set(next, randomBytes(32));
      key.primary = next;
      return `${cryptoKey}/cryptoKeyVersions/${next}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
