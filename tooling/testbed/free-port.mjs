// A TCP port free on 127.0.0.1 right now, for a testbed component to listen on.
import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * The ports the kernel hands out to outgoing connections (and to `listen(0)`). A port chosen there and
 * released can be taken by any connection the machine opens before the component binds it (seen: the
 * Kubernetes controller manager failing with "address already in use" while other tests ran), so
 * testbed ports are chosen below it.
 */
function ephemeralRange() {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return { low, high };
  } catch {}
  return undefined;
}

function canListen(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** @returns {Promise<number>} a port free on 127.0.0.1 now, outside the range outgoing connections use */
export async function freePort() {
  const range = ephemeralRange();
  if (range && range.low > 12_000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = 10_000 + Math.floor(Math.random() * (range.low - 10_000));
      if (await canListen(port)) return port;
    }
  }
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}
