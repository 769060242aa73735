import { expect, test } from 'vitest';
import { ApplyFailedError, createStack } from '../src/index';
import { createRecordingProvider, worldByName } from './recording-provider';
import { testEngine } from './test-engine';

test('a create failing mid-apply leaves a state recording exactly what exists; the next apply continues', async () => {
  let broken = true;
  const provider = createRecordingProvider({
    failOn: (operation, name) => broken && operation === 'create' && name === 'c',
  });
  const { engine } = await testEngine();
  const stack = createStack('partial');
  const a = stack.resource('a', provider, { value: 'a' });
  stack.resource('b', provider, { value: a.outputs.value });
  const c = stack.resource('c', provider, { value: a.outputs.value });
  stack.resource('d', provider, { value: c.outputs.value });
  stack.resource('e', provider, { value: 'e' });

  const error = await engine.apply(stack).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(ApplyFailedError.isInstance(error)).toBe(true);
  const failure = error as ApplyFailedError;
  expect(failure.message).toBe(
    'Create of "c" in stack "partial" failed: cannot create c today. 1 dependent resource was not changed.',
  );
  expect(failure.hint).toBe(
    'The state records what exists; fix the cause and run the command again to continue.',
  );
  expect(failure.failures).toEqual([{ resource: 'c', action: 'create', message: 'cannot create c today' }]);
  expect(failure.skipped).toEqual(['d']);

  // What the state records is exactly what exists.
  const state = await engine.readState('partial');
  expect(
    Object.fromEntries([...state.resources.values()].map((resource) => [resource.name, resource.outputs])),
  ).toEqual(worldByName(provider));
  expect([...state.resources.keys()].sort()).toEqual(['a', 'b', 'e']);
  expect(state.pending.size).toBe(0);

  broken = false;
  const plan = await engine.plan(stack);
  expect(
    plan.changes.filter((change) => change.action !== 'no-op').map((change) => [change.name, change.action]),
  ).toEqual([
    ['c', 'create'],
    ['d', 'create'],
  ]);
  const before = provider.calls.length;
  await engine.apply(stack);
  expect(provider.calls.slice(before)).toEqual(['create c', 'create d']);
  expect(Object.keys(worldByName(provider)).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
});
