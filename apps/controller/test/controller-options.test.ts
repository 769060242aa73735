import { InvalidArgumentError } from '@icl/core';
import { describe, expect, test } from 'vitest';
import { resolveControllerSettings } from '../src/index';

describe('controller options', () => {
  test("defaults: stateless, solving in process, leader election on, no period; Inferno's variables are honoured", () => {
    const defaults = resolveControllerSettings({}, {});
    expect(defaults).toMatchObject({
      mode: 'stateless',
      optimizerUrl: undefined,
      periodMilliseconds: 0,
      resyncMilliseconds: 600_000,
      scaleDeployments: false,
      fieldManager: 'icl-inferno-controller',
    });
    expect(defaults.leaderElection).toMatchObject({ enabled: true, name: 'icl-inferno-controller' });
    const inferno = resolveControllerSettings(
      {},
      { INFERNO_STATELESS: 'false', INFERNO_HOST: 'optimizer.inferno', INFERNO_PORT: '80' },
    );
    expect(inferno.mode).toBe('stateful');
    expect(inferno.optimizerUrl).toBe('http://optimizer.inferno:80');
    const icl = resolveControllerSettings(
      {},
      {
        ICL_CONTROLLER_MODE: 'stateful',
        ICL_CONTROLLER_PERIOD: '5min',
        ICL_CONTROLLER_SCALE_DEPLOYMENTS: 'true',
        POD_NAME: 'controller-7d9f',
        POD_NAMESPACE: 'icl-system',
      },
    );
    expect(icl).toMatchObject({ mode: 'stateful', periodMilliseconds: 300_000, scaleDeployments: true });
    expect(icl.leaderElection).toMatchObject({ identity: 'controller-7d9f', namespace: 'icl-system' });
    // Options given in code win over the environment.
    expect(resolveControllerSettings({ mode: 'stateless' }, { ICL_CONTROLLER_MODE: 'stateful' }).mode).toBe(
      'stateless',
    );
  });

  test('malformed values are refused with the option named', () => {
    const refused = (options: Parameters<typeof resolveControllerSettings>[0], environment = {}) => {
      try {
        resolveControllerSettings(options, environment);
      } catch (error) {
        expect(InvalidArgumentError.isInstance(error)).toBe(true);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused({ mode: 'eager' as never })).toBe('Invalid controller mode "eager".');
    expect(refused({}, { ICL_CONTROLLER_SCALE_DEPLOYMENTS: 'maybe' })).toBe(
      'Invalid ICL_CONTROLLER_SCALE_DEPLOYMENTS="maybe".',
    );
    expect(refused({ leaderElection: { leaseDuration: '5s', renewDeadline: '10s' } })).toBe(
      'Leader election needs retryPeriod < renewDeadline < leaseDuration; got 2000 ms, 10000 ms and 5000 ms.',
    );
    expect(refused({ optimizerUrl: 'optimizer:8080' })).toBe('Invalid optimizer URL "optimizer:8080".');
  });
});
