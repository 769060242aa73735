// A TCP port free on 127.0.0.1 right now, for a testbed component to listen on.
import net from 'node:net';

/** @returns {Promise<number>} a port the system just handed out on 127.0.0.1 and released */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}
