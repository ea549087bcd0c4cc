// OpenPGP checks of a suite's Release file the way apt does (apt-secure(8)): InRelease is a cleartext-signed
// Release (RFC 4880 §7), Release.gpg a detached signature of Release; either must carry at least one good
// signature by a key of the archive keyring (a binary keyring of several keys, or an armored one).

import * as openpgp from 'openpgp';
import { SignatureError } from './errors.js';

export type Keyring = openpgp.Key[];

export interface VerifiedRelease {
  /** The signed text, the only part of the file that may be trusted. */
  text: string;
  /** "key <id> (<user id>)" for each good signature. */
  signers: string[];
}

const ARMOR = '-----BEGIN PGP';

/** `what` names the keyring file in messages. */
export async function readKeyring(bytes: Uint8Array, what: string): Promise<Keyring> {
  try {
    const head = new TextDecoder().decode(bytes.subarray(0, 64));
    return head.includes(ARMOR)
      ? await openpgp.readKeys({ armoredKeys: new TextDecoder().decode(bytes) })
      : await openpgp.readKeys({ binaryKeys: bytes });
  } catch (error) {
    throw new SignatureError(
      `cannot read the archive keyring ${what}: ${(error as Error).message}; reinstall debian-archive-keyring ` +
        'or pass another keyring with --keyring FILE',
    );
  }
}

function describe(keyring: Keyring, keyID: openpgp.KeyID): string {
  const key = keyring.find((k) => k.getKeyIDs().some((id) => id.equals(keyID)));
  const user = key?.users[0]?.userID?.userID;
  return user === undefined ? `key ${keyID.toHex()}` : `key ${keyID.toHex()} (${user})`;
}

async function goodSigners(
  signatures: openpgp.VerifyMessageResult['signatures'],
  keyring: Keyring,
  what: string,
): Promise<string[]> {
  const good: string[] = [];
  const bad: string[] = [];
  for (const signature of signatures) {
    try {
      if (await signature.verified) good.push(describe(keyring, signature.keyID));
    } catch (error) {
      bad.push(`${signature.keyID.toHex()}: ${(error as Error).message}`);
    }
  }
  if (good.length === 0) {
    const detail = bad.length > 0 ? bad.join('; ') : 'no signature found';
    throw new SignatureError(
      `${what}: no good OpenPGP signature by a key of the archive keyring (${detail}); the mirror may be ` +
        'compromised or out of date, or the keyring too old: update debian-archive-keyring or use another mirror',
    );
  }
  return good;
}

/** Verifies an InRelease file and returns its signed text. */
export async function verifyInRelease(armored: string, keyring: Keyring, what: string): Promise<VerifiedRelease> {
  let message: openpgp.CleartextMessage;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: armored });
  } catch (error) {
    throw new SignatureError(`${what}: not an OpenPGP cleartext-signed file (${(error as Error).message})`);
  }
  const result = await openpgp.verify({ message, verificationKeys: keyring });
  const signers = await goodSigners(result.signatures, keyring, what);
  return { text: result.data, signers };
}

/** Verifies Release against its detached signature Release.gpg (armored or binary). */
export async function verifyDetached(
  release: Uint8Array,
  signature: Uint8Array,
  keyring: Keyring,
  what: string,
): Promise<VerifiedRelease> {
  let sig: openpgp.Signature;
  try {
    const head = new TextDecoder().decode(signature.subarray(0, 64));
    sig = head.includes(ARMOR)
      ? await openpgp.readSignature({ armoredSignature: new TextDecoder().decode(signature) })
      : await openpgp.readSignature({ binarySignature: signature });
  } catch (error) {
    throw new SignatureError(`${what}.gpg: not an OpenPGP signature (${(error as Error).message})`);
  }
  const message = await openpgp.createMessage({ binary: release });
  const result = await openpgp.verify({ message, signature: sig, verificationKeys: keyring });
  const signers = await goodSigners(result.signatures, keyring, what);
  return { text: new TextDecoder().decode(release), signers };
}

/**
 * The text of a cleartext-signed file without checking the signature (only used when the host has no keyring,
 * after warning the user): drops the armor headers and the signature, and undoes dash-escaping (RFC 4880 §7.1).
 */
export function unverifiedCleartext(armored: string): string {
  const lines = armored.split(/\r?\n/);
  const begin = lines.indexOf('-----BEGIN PGP SIGNED MESSAGE-----');
  if (begin < 0) return armored;
  let at = begin + 1;
  while (at < lines.length && lines[at] !== '') at++; // armor headers ("Hash: SHA256") end at a blank line
  const end = lines.indexOf('-----BEGIN PGP SIGNATURE-----', at);
  return lines
    .slice(at + 1, end < 0 ? lines.length : end)
    .map((line) => (line.startsWith('- ') ? line.slice(2) : line))
    .join('\n');
}
