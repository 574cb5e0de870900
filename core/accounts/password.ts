import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt (memory-hard). The parameters are stored in each hash, so raising the cost later only
 * affects new hashes and old ones still verify. 'strong' takes 64 MiB and ~0.1 s per hash.
 */
const COSTS = {
  strong: { N: 2 ** 16, r: 8, p: 1 },
  fast: { N: 2 ** 10, r: 8, p: 1 },
} as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N, r, p, maxmem: 256 * N * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string, cost: keyof typeof COSTS): Promise<string> {
  const { N, r, p } = COSTS[cost];
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, r, p);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Spends the same time as a real check so unknown usernames cannot be told apart by timing. */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string, cost: keyof typeof COSTS): Promise<void> {
  dummyHash ??= hashPassword('unibudget-dummy-password', cost);
  await verifyPassword(password, await dummyHash);
}
