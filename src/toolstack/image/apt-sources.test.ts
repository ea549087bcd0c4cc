import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseMirror, parseAptSources, parseDeb822Sources, parseOneLineSources, releaseOfSuite } from './apt-sources.js';

const DEB822 = `Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://mirror.example/debian
Suites: bookworm
Components: main
Enabled: no
`;

test('deb822 .sources stanzas give types, URIs, suites, components and Signed-By; comments are skipped', () => {
  const sources = parseDeb822Sources(DEB822, '/etc/apt/sources.list.d/debian.sources');
  assert.equal(sources.length, 3);
  assert.deepEqual(sources[0]!.types, ['deb']);
  assert.deepEqual(sources[0]!.uris, ['http://mirror.example/debian']);
  assert.deepEqual(sources[0]!.suites, ['bookworm', 'bookworm-updates']);
  assert.deepEqual(sources[0]!.components, ['main']);
  assert.equal(sources[0]!.signedBy, '/usr/share/keyrings/debian-archive-keyring.gpg');
  assert.equal(sources[0]!.enabled, true);
  assert.equal(sources[2]!.enabled, false);
});

test('deb822 Signed-By may hold an inline key block on continuation lines', () => {
  const [source] = parseDeb822Sources(
    'Types: deb\nURIs: https://m.example/debian\nSuites: trixie\nComponents: main contrib\nSigned-By:\n' +
      ' -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n mQINBF\n -----END PGP PUBLIC KEY BLOCK-----\n',
    'x.sources',
  );
  assert.equal(source!.signedBy, '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF\n-----END PGP PUBLIC KEY BLOCK-----');
});

test('one-line sources.list entries with options, comments and several components', () => {
  const text = [
    '# a comment',
    'deb http://mirror.example/debian bookworm main contrib non-free-firmware',
    'deb [arch=arm64,amd64 signed-by=/etc/apt/keyrings/k.gpg] http://mirror.example/debian bookworm-updates main',
    'deb-src http://mirror.example/debian bookworm main',
    'deb http://security.example/debian-security bookworm-security main # trailing comment',
    '',
  ].join('\n');
  const sources = parseOneLineSources(text, '/etc/apt/sources.list');
  assert.equal(sources.length, 4);
  assert.deepEqual(sources[0]!.components, ['main', 'contrib', 'non-free-firmware']);
  assert.equal(sources[0]!.origin, '/etc/apt/sources.list:2');
  assert.equal(sources[1]!.signedBy, '/etc/apt/keyrings/k.gpg');
  assert.deepEqual(sources[1]!.suites, ['bookworm-updates']);
  assert.deepEqual(sources[2]!.types, ['deb-src']);
  assert.deepEqual(sources[3]!.components, ['main']);
});

test('suites map to their release', () => {
  assert.equal(releaseOfSuite('bookworm'), 'bookworm');
  assert.equal(releaseOfSuite('bookworm-updates'), 'bookworm');
  assert.equal(releaseOfSuite('bookworm-security'), 'bookworm');
  assert.equal(releaseOfSuite('bookworm-backports'), 'bookworm');
  assert.equal(releaseOfSuite('buster/updates'), 'buster');
});

test('the host mirror, release and all its suites for that mirror are chosen from the sources', () => {
  const sources = parseDeb822Sources(DEB822, 'debian.sources');
  const choice = chooseMirror(sources, {});
  assert.equal(choice.mirror, 'http://mirror.example/debian');
  assert.equal(choice.release, 'bookworm');
  assert.deepEqual(choice.suites, ['bookworm', 'bookworm-updates']);
  assert.equal(choice.keyring, '/usr/share/keyrings/debian-archive-keyring.gpg');
  assert.equal(choice.from, 'debian.sources');
});

test('suites of one mirror are gathered across files and formats', () => {
  const sources = parseAptSources([
    { origin: '/etc/apt/sources.list', format: 'one-line', text: 'deb http://m.example/debian/ trixie-updates main\n' },
    { origin: 'a.sources', format: 'deb822', text: 'Types: deb\nURIs: http://m.example/debian\nSuites: trixie\nComponents: main\n' },
  ]);
  const choice = chooseMirror(sources, {});
  assert.equal(choice.release, 'trixie');
  assert.equal(choice.mirror, 'http://m.example/debian');
  assert.deepEqual(choice.suites, ['trixie', 'trixie-updates']);
});

test('an explicit mirror keeps the host suites of the release; an explicit release picks its own mirror', () => {
  const sources = parseDeb822Sources(DEB822, 'debian.sources');
  const explicit = chooseMirror(sources, { mirror: 'http://127.0.0.1:8080/debian/', mirrorFrom: 'TSXEN_DEBIAN_MIRROR' });
  assert.equal(explicit.mirror, 'http://127.0.0.1:8080/debian');
  assert.deepEqual(explicit.suites, ['bookworm', 'bookworm-updates']);
  assert.equal(explicit.from, 'TSXEN_DEBIAN_MIRROR');
  const other = chooseMirror(sources, { mirror: 'http://127.0.0.1:8080/debian', release: 'trixie' });
  assert.deepEqual(other.suites, ['trixie']);
  assert.throws(() => chooseMirror(sources, { release: 'trixie' }), /no http\(s\) Debian mirror for release "trixie".*--mirror/);
});

test('no sources at all asks for --release (and for a mirror once a release is given)', () => {
  assert.throws(() => chooseMirror([], {}), /--release/);
  assert.throws(() => chooseMirror([], { release: 'bookworm' }), /TSXEN_DEBIAN_MIRROR/);
  assert.equal(chooseMirror([], { release: 'bookworm', mirror: 'http://x.example/debian' }).mirror, 'http://x.example/debian');
});
