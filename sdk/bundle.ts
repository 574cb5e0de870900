import { createHash, createPrivateKey, sign } from 'node:crypto';
import { z } from 'zod';

/**
 * A plugin bundle: the manifest, one JavaScript file and its SHA-256, optionally signed (ed25519)
 * by a publisher. The code is a script that defines `__plugin` (esbuild `--format=iife
 * --global-name=__plugin`), whose default export is the `definePlugin()` object.
 */
export const bundleSchema = z.object({
  format: z.literal('unibudget-plugin/1').default('unibudget-plugin/1'),
  manifest: z.record(z.string(), z.unknown()),
  code: z.string().min(1).max(2 * 1024 * 1024),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  signature: z.object({ publisher: z.string().min(1).max(100), value: z.string().min(1).max(200) }).optional(),
});
export type Bundle = z.input<typeof bundleSchema>;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The bytes a publisher signs: the manifest as given and the code's hash. */
export function signaturePayload(manifest: unknown, sha256: string): Buffer {
  return Buffer.from(`unibudget-plugin/1\n${JSON.stringify(manifest)}\n${sha256}`, 'utf8');
}

/** Builds a bundle from a manifest and code; signs it when a publisher key (PKCS#8 PEM) is given. */
export function makeBundle(manifest: Record<string, unknown>, code: string, signer?: { publisher: string; privateKeyPem: string }): Bundle {
  const sha256 = sha256Hex(code);
  const bundle: Bundle = { format: 'unibudget-plugin/1', manifest, code, sha256 };
  if (signer) {
    const value = sign(null, signaturePayload(manifest, sha256), createPrivateKey(signer.privateKeyPem)).toString('base64');
    bundle.signature = { publisher: signer.publisher, value };
  }
  return bundle;
}
