/** How an optimizer server runs. All optional. */
export interface OptimizerServerSettings {
  /**
   * The address to listen on; 127.0.0.1 by default, so nothing is reachable from the network unless asked
   * (Inferno listens on every interface). `0.0.0.0` or `::` to serve others, e.g. in a Pod.
   */
  host?: string;
  /** The port; 8080 by default, Inferno's; 0 for any free port (the URL says which). */
  port?: number;
  /** The largest request body accepted, in bytes; 64 MiB by default. */
  maxBodyBytes?: number;
  /**
   * How long `close()` lets requests in flight finish before cutting their connections; 30 s by default.
   * An exact solve may take its whole time limit (10 s by default).
   */
  shutdownGraceMilliseconds?: number;
}

/** The default port, Inferno's. */
export const defaultOptimizerServerPort = 8080;
