import { createServer, type Server, type Socket, connect } from 'node:net';

export type ProxyMode = 'forward' | 'frozen' | 'stopped';

/**
 * A TCP proxy a test owns, in front of a service other suites share, so that a test can make
 * the service look down without touching it:
 * - `forward`: bytes flow both ways;
 * - `frozen`: connections stay open but nothing flows (new ones are accepted and held), as on
 *   a network that stopped answering; `forward` again lets everything through;
 * - `stopped`: every connection is reset, new ones too, as when the service is down.
 */
export interface TcpProxy {
  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  readonly port: number;
  setMode(mode: ProxyMode): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream?: Socket;
  /** Piped both ways now: piping again would send every byte twice. */
  flowing?: boolean;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'forward';
  const pairs = new Set<Pair>();

  const drop = (pair: Pair) => {
    pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  };
  const flow = (pair: Pair) => {
    if (pair.flowing) return;
    pair.flowing = true;
    if (!pair.upstream) {
      const upstream = connect(target.port, target.host);
      pair.upstream = upstream;
      upstream.on('error', () => drop(pair));
      upstream.on('close', () => drop(pair));
    }
    pair.client.pipe(pair.upstream);
    pair.upstream.pipe(pair.client);
    pair.client.resume();
    pair.upstream.resume();
  };
  const hold = (pair: Pair) => {
    pair.flowing = false;
    pair.client.unpipe();
    pair.upstream?.unpipe();
    pair.client.pause();
    pair.upstream?.pause();
  };

  const server: Server = createServer((client) => {
    client.on('error', () => undefined);
    if (mode === 'stopped') {
      client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client };
    pairs.add(pair);
    client.on('close', () => drop(pair));
    if (mode === 'forward') flow(pair);
    else hold(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  return {
    port,
    urlFor(url: string) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    setMode(next: ProxyMode) {
      mode = next;
      for (const pair of [...pairs]) {
        if (next === 'forward') flow(pair);
        else if (next === 'frozen') hold(pair);
        else {
          pairs.delete(pair);
          pair.client.resetAndDestroy();
          pair.upstream?.destroy();
        }
      }
    },
    async close() {
      for (const pair of [...pairs]) drop(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
