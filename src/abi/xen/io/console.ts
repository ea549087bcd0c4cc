// abi/xen/io/console.ts - xen/include/public/io/console.h: the PV console ring page (struct xencons_interface).

export const XENCONS_IN = 0; // char in[1024]
export const XENCONS_IN_SIZE = 1024;
export const XENCONS_OUT = 1024; // char out[2048]
export const XENCONS_OUT_SIZE = 2048;
export const XENCONS_IN_CONS = 3072; // u32
export const XENCONS_IN_PROD = 3076; // u32
export const XENCONS_OUT_CONS = 3080; // u32
export const XENCONS_OUT_PROD = 3084; // u32
/** u8 connection: 1 while the backend has not connected (set by the domain builder, cleared by the backend). */
export const XENCONS_CONNECTION = 3088;
