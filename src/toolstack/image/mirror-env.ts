// toolstack/image/mirror-env.ts - the environment variable that names the Debian mirror to fetch images from (a
// module of its own so that the CLI can describe it without loading the image fetcher).

export const MIRROR_ENV = 'TSXEN_DEBIAN_MIRROR';
