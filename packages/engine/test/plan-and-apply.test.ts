import { describe, expect, test } from 'vitest';
import { createStack, type EngineEvent, interpolate, noop } from '../src/index';
import { createRecordingProvider, worldByName } from './recording-provider';
import { testEngine } from './test-engine';

function chain(
  provider: ReturnType<typeof createRecordingProvider>,
  values: { a?: string; b?: string; generation?: number } = {},
) {
  const stack = createStack('demo');
  const a = stack.resource('a', provider, { value: values.a ?? 'one', generation: values.generation ?? 0 });
  stack.resource('b', provider, { value: interpolate`${a.outputs.value}/${values.b ?? 'b'}` });
  return stack;
}

describe('plan', () => {
  test('a new stack plans a create per resource, with every input and unknown references', async () => {
    const provider = createRecordingProvider();
    const { engine } = await testEngine();
    const plan = await engine.plan(chain(provider));
    expect(plan.summary).toEqual({ create: 2, update: 0, replace: 0, delete: 0, unchanged: 0 });
    expect(plan.changes.map((change) => [change.name, change.action])).toEqual([
      ['a', 'create'],
      ['b', 'create'],
    ]);
    expect(plan.changes[0]?.properties).toEqual([
      { path: 'value', after: 'one' },
      { path: 'generation', after: 0 },
    ]);
    expect(plan.changes[1]?.properties).toEqual([{ path: 'value', afterUnknown: true }]);
    expect(plan.changes[1]?.dependencies).toEqual(['a']);
    expect(provider.calls).toEqual([]);
  });

  test('after an apply, the same stack plans nothing; outputs flowed into the dependent', async () => {
    const provider = createRecordingProvider();
    const { engine } = await testEngine();
    const result = await engine.apply(chain(provider));
    expect(result.applied).toBe(true);
    expect(result.summary).toEqual({ created: 2, updated: 0, replaced: 0, deleted: 0 });
    expect(provider.calls).toEqual(['create a', 'create b']);
    expect(worldByName(provider).b?.value).toBe('one/b');
    const plan = await engine.plan(chain(provider));
    expect(plan.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 0, unchanged: 2 });
    const again = await engine.apply(chain(provider));
    expect(again.applied).toBe(false);
    expect(provider.calls).toEqual(['create a', 'create b']);
  });

  test('an in-place change plans an update with the field before and after; dependents follow', async () => {
    const provider = createRecordingProvider();
    const { engine } = await testEngine();
    await engine.apply(chain(provider));
    const plan = await engine.plan(chain(provider, { a: 'two' }));
    expect(plan.changes.find((change) => change.name === 'a')).toMatchObject({
      action: 'update',
      properties: [{ path: 'value', before: 'one', after: 'two' }],
    });
    expect(plan.changes.find((change) => change.name === 'b')).toMatchObject({
      action: 'update',
      properties: [{ path: 'value', before: 'one/b', afterUnknown: true }],
    });
    await engine.apply(chain(provider, { a: 'two' }));
    expect(provider.calls.slice(2)).toEqual(['update a', 'update b']);
    expect(worldByName(provider).b?.value).toBe('two/b');
  });

  test('a replacing change creates the new one first, then deletes the old one', async () => {
    const provider = createRecordingProvider();
    const { engine } = await testEngine();
    await engine.apply(chain(provider));
    const oldA = [...provider.world.keys()].find((id) => id.startsWith('a-'));
    const plan = await engine.plan(chain(provider, { generation: 1 }));
    expect(plan.changes.find((change) => change.name === 'a')).toMatchObject({
      action: 'replace',
      replaceOrder: 'create-before-delete',
      properties: [{ path: 'generation', before: 0, after: 1, replaces: true }],
    });
    await engine.apply(chain(provider, { generation: 1 }));
    // b's value does not change (a's value is the same), so b is left alone.
    expect(provider.calls.slice(2)).toEqual(['create a', `delete a#${oldA}`]);
    const state = await engine.readState('demo');
    expect(state.obsolete).toEqual([]);
    expect(state.resources.get('a')?.id).not.toBe(oldA);
  });

  test('a type that must delete first deletes the old one before creating the new one', async () => {
    const provider = createRecordingProvider({ deleteBeforeReplace: true });
    const { engine } = await testEngine();
    await engine.apply(chain(provider));
    const oldA = [...provider.world.keys()].find((id) => id.startsWith('a-'));
    const plan = await engine.plan(chain(provider, { generation: 1 }));
    expect(plan.changes[0]).toMatchObject({ action: 'replace', replaceOrder: 'delete-before-create' });
    await engine.apply(chain(provider, { generation: 1 }));
    expect(provider.calls.slice(2)).toEqual([`delete a#${oldA}`, 'create a']);
  });

  test('a resource no longer declared is deleted, after the resources that depended on it', async () => {
    const provider = createRecordingProvider();
    // The empty stack brings no provider: the engine's own are used to delete.
    const { engine } = await testEngine([provider]);
    await engine.apply(chain(provider));
    const plan = await engine.plan(createStack('demo'));
    expect(plan.changes.map((change) => [change.name, change.action, change.reason])).toEqual([
      ['b', 'delete', 'no longer declared'],
      ['a', 'delete', 'no longer declared'],
    ]);
    await engine.apply(createStack('demo'));
    expect(provider.calls.slice(2).map((call) => call.split('#')[0])).toEqual(['delete b', 'delete a']);
    expect(provider.world.size).toBe(0);
  });

  test('destroy deletes every resource in reverse dependency order', async () => {
    const provider = createRecordingProvider({ delay: 5 });
    const { engine } = await testEngine();
    const stack = createStack('demo');
    const a = stack.resource('a', provider, { value: 'a' });
    const b = stack.resource('b', provider, { value: a.outputs.value });
    stack.resource('c', provider, { value: b.outputs.value });
    stack.resource('d', provider, { value: 'd' });
    await engine.apply(stack);
    const result = await engine.destroy(stack);
    expect(result.summary.deleted).toBe(4);
    const order = provider.calls.slice(4).map((call) => call.split('#')[0]);
    expect(order.indexOf('delete c')).toBeLessThan(order.indexOf('delete b'));
    expect(order.indexOf('delete b')).toBeLessThan(order.indexOf('delete a'));
    expect(provider.world.size).toBe(0);
    expect((await engine.readState('demo')).resources.size).toBe(0);
  });

  test('--target plans only the targets and what they depend on', async () => {
    const provider = createRecordingProvider();
    const { engine } = await testEngine();
    const stack = chain(provider);
    stack.resource('c', provider, { value: 'c' });
    const plan = await engine.plan(stack, { targets: ['b'] });
    expect(plan.changes.map((change) => change.name)).toEqual(['a', 'b']);
    await engine.apply(stack, { targets: ['b'] });
    expect(Object.keys(worldByName(provider)).sort()).toEqual(['a', 'b']);
    await expect(engine.plan(stack, { targets: ['bb'] })).rejects.toThrow(
      /"bb" is neither declared nor recorded in this stack \(did you mean "b"\?\)/,
    );
  });

  test('import records an existing resource, and the next plan shows how it differs', async () => {
    const provider = createRecordingProvider();
    provider.world.set('legacy-1', { name: 'a', outputs: { value: 'old', generation: 0, token: 't' } });
    const { engine } = await testEngine();
    const stack = createStack('demo');
    stack.resource('a', provider, { value: 'new' });
    const record = await engine.importResource(stack, 'a', 'legacy-1');
    expect(record).toMatchObject({ name: 'a', id: 'legacy-1', outputs: { value: 'old' } });
    const plan = await engine.plan(stack);
    expect(plan.changes[0]).toMatchObject({
      action: 'update',
      properties: [{ path: 'value', before: 'old', after: 'new' }],
    });
    await expect(engine.importResource(stack, 'a', 'legacy-1')).rejects.toThrow(/already managed/);
    await expect(engine.importResource(stack, 'a2', 'x')).rejects.toThrow(/declares no resource "a2"/);
    expect(provider.calls).toEqual([]);
  });

  test('at most `concurrency` operations run at once, and progress events say what ran', async () => {
    const provider = createRecordingProvider({ delay: 10 });
    const { engine } = await testEngine([], { concurrency: 3 });
    const stack = createStack('wide');
    for (let index = 0; index < 12; index += 1) stack.resource(`r${index}`, provider, { value: `${index}` });
    const events: EngineEvent[] = [];
    await engine.apply(stack, { onEvent: (event) => events.push(event) });
    expect(provider.peakConcurrency()).toBe(3);
    const finished = events.filter((event) => event.type === 'resource-finished');
    expect(finished).toHaveLength(12);
    expect(finished[0]).toMatchObject({ action: 'create', resourceType: 'test:Thing' });
    expect(typeof (finished[0] as { durationMs: number }).durationMs).toBe('number');
  });

  test('confirm sees the plan before anything changes, and can decline', async () => {
    const provider = createRecordingProvider();
    const { engine } = await testEngine();
    const result = await engine.apply(chain(provider), {
      confirm: (plan) => {
        expect(plan.summary.create).toBe(2);
        return false;
      },
    });
    expect(result.applied).toBe(false);
    expect(provider.calls).toEqual([]);
  });

  test('2,000 no-op resources, half referencing the other half, apply and then plan as unchanged', async () => {
    const { engine } = await testEngine();
    const stack = createStack('many');
    for (let index = 0; index < 1000; index += 1) {
      const independent = stack.resource(`a${index}`, noop, { input: index });
      stack.resource(`b${index}`, noop, { input: independent.outputs.output });
    }
    const result = await engine.apply(stack);
    expect(result.summary.created).toBe(2000);
    const state = await engine.readState('many');
    expect(state.resources.get('b999')?.outputs).toEqual({ output: 999 });
    expect((await engine.plan(stack)).summary.unchanged).toBe(2000);
  });
});

test('a recorded type nobody provides cannot be deleted, and says so before anything changes', async () => {
  const provider = createRecordingProvider();
  const { engine } = await testEngine();
  await engine.apply(chain(provider));
  await expect(engine.plan(createStack('demo'))).rejects.toThrow(
    /resource "b": is recorded with type test:Thing and must be deleted \(no longer declared\), but no provider for test:Thing is known/,
  );
});
