import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

/**
 * Secrets the server must read back (a Twilio auth token, a webhook signing secret) are sealed
 * with AES-256-GCM under a key derived from the pepper with HKDF. No new secret to manage, and
 * nothing readable in the database or its backups. Each use has its own `info`, so a token
 * sealed for one purpose cannot be opened as another; the `context` (the owning row's id) is
 * authenticated too, so a sealed value copied onto another row does not open.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(pepper: string, info: string) {
    this.key = Buffer.from(hkdfSync('sha256', pepper, 'iqra:secret-box', info, 32));
  }

  /** `v1.` + base64url(iv ‖ tag ‖ ciphertext). */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_LENGTH);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** The plaintext; throws when the value was altered, moved to another row or sealed elsewhere. */
  open(sealed: string, context: string): string {
    const [version, encoded] = sealed.split('.');
    if (version !== VERSION || !encoded) throw new Error('Unknown sealed value format.');
    const raw = Buffer.from(encoded, 'base64url');
    const iv = raw.subarray(0, IV_LENGTH);
    const tag = raw.subarray(IV_LENGTH, IV_LENGTH + TAG_LENGTH);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    const body = raw.subarray(IV_LENGTH + TAG_LENGTH);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}
