import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as openpgp from 'openpgp';
import { SignatureError } from './errors.js';
import { readKeyring, unverifiedCleartext, verifyDetached, verifyInRelease } from './signature.js';
import { generateArchiveKey } from './testing/fake-archive.js';

const RELEASE = 'Origin: Debian\nSuite: bookworm\nSHA256:\n 00 1 main/binary-arm64/Packages\n- dashed line\n';
const enc = new TextEncoder();

async function signCleartext(key: openpgp.PrivateKey, text: string): Promise<string> {
  return openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys: key });
}

test('a binary keyring of several keys is read, and so is an armored one', async () => {
  const a = await generateArchiveKey();
  const b = await generateArchiveKey();
  const keyring = await readKeyring(new Uint8Array([...a.keyring, ...b.keyring]), 'two.gpg');
  assert.equal(keyring.length, 2);
  const armored = await readKeyring(enc.encode(a.privateKey.toPublic().armor()), 'one.asc');
  assert.equal(armored.length, 1);
  await assert.rejects(readKeyring(enc.encode('not a key'), 'junk.gpg'), /cannot read the archive keyring junk\.gpg/);
});

test('an InRelease signed by a keyring key verifies and yields the signed text', async () => {
  const { privateKey, keyring } = await generateArchiveKey();
  const signed = await signCleartext(privateKey, RELEASE);
  const verified = await verifyInRelease(signed, await readKeyring(keyring, 'k.gpg'), 'dists/bookworm/InRelease');
  assert.equal(verified.text.replace(/\n?$/, '\n'), RELEASE);
  assert.equal(verified.signers.length, 1);
  assert.match(verified.signers[0]!, /tsxen test archive key/);
});

test('a tampered InRelease fails with the file named', async () => {
  const { privateKey, keyring } = await generateArchiveKey();
  const signed = await signCleartext(privateKey, RELEASE);
  const tampered = signed.replace('Suite: bookworm', 'Suite: bookwork');
  await assert.rejects(verifyInRelease(tampered, await readKeyring(keyring, 'k.gpg'), 'dists/bookworm/InRelease'), (e: unknown) => {
    return e instanceof SignatureError && /dists\/bookworm\/InRelease: no good OpenPGP signature/.test(e.message);
  });
});

test('a signature by a key outside the keyring fails', async () => {
  const signer = await generateArchiveKey();
  const other = await generateArchiveKey();
  const signed = await signCleartext(signer.privateKey, RELEASE);
  await assert.rejects(verifyInRelease(signed, await readKeyring(other.keyring, 'k.gpg'), 'InRelease'), SignatureError);
});

test('Release with a detached Release.gpg verifies; a changed byte fails', async () => {
  const { privateKey, keyring } = await generateArchiveKey();
  const release = enc.encode(RELEASE);
  const message = await openpgp.createMessage({ binary: release });
  const armored = await openpgp.sign({ message, signingKeys: privateKey, detached: true });
  const keys = await readKeyring(keyring, 'k.gpg');
  const ok = await verifyDetached(release, enc.encode(armored), keys, 'dists/bookworm/Release');
  assert.equal(ok.text, RELEASE);
  const binary = await openpgp.sign({ message, signingKeys: privateKey, detached: true, format: 'binary' });
  await verifyDetached(release, binary, keys, 'dists/bookworm/Release');
  const changed = release.slice();
  changed[0] = 0x6f;
  await assert.rejects(verifyDetached(changed, enc.encode(armored), keys, 'dists/bookworm/Release'), /dists\/bookworm\/Release: no good/);
});

test('without a keyring the cleartext body is recovered with dash-escaping undone', async () => {
  const { privateKey } = await generateArchiveKey();
  const signed = await signCleartext(privateKey, RELEASE);
  assert.match(signed, /^- - dashed line$/m);
  assert.equal(unverifiedCleartext(signed).replace(/\n?$/, '\n'), RELEASE);
});
