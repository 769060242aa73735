import { describe, expect, it } from 'vitest';
import { checkServiceOptions } from '../src/index';

describe('checkServiceOptions', () => {
  it('refuses bad ports and a readiness port the service does not publish', () => {
    expect(() => checkServiceOptions({ ports: [8080, 70_000] })).toThrow('70000 is not a port number.');
    expect(() => checkServiceOptions({ ports: [8080], readiness: { port: 9090 } })).toThrow(
      "The readiness port 9090 is not one of the service's ports (8080).",
    );
    expect(() => checkServiceOptions({ ports: [8080], readiness: { port: 8080 } })).not.toThrow();
  });

  it('requires a port only when asked to', () => {
    expect(() => checkServiceOptions({ ports: [] })).not.toThrow();
    expect(() => checkServiceOptions({ ports: [] }, { portsRequired: true })).toThrow(
      'A service needs the port it listens on.',
    );
  });
});
