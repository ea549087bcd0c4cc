// host/xenstore-socket.ts - xenstored's Unix socket (tools/xenstore/xenstored_core.c init_sockets/accept_connection)
// for host tools: each client is a privileged connection (domid 0) speaking the same wire protocol as a guest
// ring. libxenstore finds the socket through XENSTORED_PATH (tools/xenstore/xs_lib.c xs_daemon_path: the
// variable, else $XENSTORED_RUNDIR/socket, else /var/run/xenstored/socket), so Debian's xenstore-utils work with
//   XENSTORED_PATH=/path/to/socket xenstore-ls
// A client breaking the protocol (payload over 4096 bytes) is disconnected, as xenstored does.

import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { Connection } from '../dom0/xenstore/connection.js';
import type { Xenstored } from '../dom0/xenstore/xenstored.js';

export interface XenstoreSocketServer {
  readonly path: string;
  /** Clients connected now. */
  readonly clients: number;
  /** Stop listening, disconnect the clients, remove the socket file. */
  close(): Promise<void>;
}

/** Remove a socket file left by a previous run; refuse to touch anything else. */
function removeStaleSocket(path: string): void {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (!st.isSocket()) throw new Error(`${path} exists and is not a socket: choose another xenstored socket path`);
  unlinkSync(path);
}

function serveClient(xs: Xenstored, sock: Socket, sockets: Set<Socket>): void {
  sockets.add(sock);
  const conn: Connection = xs.openConnection({
    outputReady: c => {
      for (const m of c.takeOutput()) if (!sock.destroyed) sock.write(m);
    },
    closed: () => sock.destroy(),
  });
  sock.on('data', (chunk: Buffer) => conn.feed(chunk));
  sock.on('error', () => sock.destroy());
  sock.on('close', () => {
    sockets.delete(sock);
    xs.closeConnection(conn);
  });
}

/** Listen on `path` (mode 0600: whoever connects is as privileged as dom0). */
export async function listenXenstore(xs: Xenstored, path: string): Promise<XenstoreSocketServer> {
  removeStaleSocket(path);
  const sockets = new Set<Socket>();
  const server: Server = createServer(sock => serveClient(xs, sock, sockets));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      chmodSync(path, 0o600);
      resolve({
        path,
        get clients() {
          return sockets.size;
        },
        close: () =>
          new Promise<void>(done => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
