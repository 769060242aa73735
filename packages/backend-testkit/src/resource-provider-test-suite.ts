import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject, ResourceOperationContextV1, ResourceProviderV1 } from '@icl/core';
import type * as Vitest from 'vitest';
import type {
  ResourceProviderSampleContext,
  ResourceProviderTestSuiteOptions,
} from './resource-provider-test-suite-options';

const defaultTimeoutMilliseconds = 30_000;

/** The names of the provider suite's tests, for reports and for reading them. */
export const resourceProviderTestNames = [
  'check accepts the sample inputs and refuses each bad one naming its property',
  'create returns an id and plain JSON outputs',
  'read returns what was created',
  'diff reports each changed property and which ones force a replacement',
  'update changes the resource in place and keeps its id',
  'delete is idempotent',
  'read after delete says the resource is gone',
  'read by id imports an existing resource',
  'an interrupted create is adopted, reported as nothing made, or refused, as declared',
  'a create that fails leaves nothing behind, or what it left is found by read',
] as const;

/** One test of the provider suite. */
export type ResourceProviderTestName = (typeof resourceProviderTestNames)[number];

/** A resource the suite created, with what it was created from. */
interface CreatedResource {
  id: string;
  outputs: JsonObject;
  inputs: JsonObject;
  context: ResourceOperationContextV1;
}

/**
 * Registers the ICL resource provider conformance suite in the calling test file: the written contract
 * of `ResourceProviderV1`, checked against the real system the provider manages.
 *
 * Every provider, ours and third parties', runs the same suite, so "implements ResourceProviderV1"
 * means the same thing everywhere: `check` refuses bad inputs naming each property; `create` returns an
 * id and plain JSON; `read` returns what was created, imports by id, and says when a resource is gone;
 * `diff` names each changed property and which force a replacement; `update` changes in place; `delete`
 * is idempotent; an interrupted create is adopted or reported as the provider declares; a failed create
 * leaves nothing behind, or leaves what `read` finds. The suite drives the provider as the engine does
 * (inputs through `check` first, a `urn` on every call) and, where the caller gives them, checks the real
 * system directly (`exists`, `leftBehind`) instead of believing the provider.
 *
 * The provider is created when the suite is registered, in a temporary directory of the suite's, so the
 * operations it lacks are known then: their tests show as skipped, with the reason in the title, never
 * as passed.
 *
 * @example
 * ```ts
 * import * as vitest from 'vitest';
 * import { access } from 'node:fs/promises';
 * import { join } from 'node:path';
 * import { resourceProviderTestSuite } from '@icl/backend-testkit';
 * import { createFileProvider } from '@icl/engine';
 *
 * resourceProviderTestSuite(vitest, ({ directory }) => createFileProvider({ baseDirectory: directory }), {
 *   name: 'icl:File',
 *   inputs: ({ unique }) => ({ path: `${unique}.txt`, content: 'one' }),
 *   invalidInputs: [{ inputs: { path: 'a.txt', content: 'x', mode: '999' }, property: 'mode' }],
 *   update: { property: 'content', change: (inputs) => ({ ...inputs, content: 'two' }) },
 *   replace: { property: 'path', change: (inputs) => ({ ...inputs, path: `${inputs.path}.moved` }) },
 *   adoption: 'finds',
 *   exists: (id) => access(id).then(() => true, () => false),
 * });
 * ```
 */
export function resourceProviderTestSuite(
  vitest: typeof Vitest,
  createProvider: (context: { directory: string }) => ResourceProviderV1,
  options: ResourceProviderTestSuiteOptions,
): void {
  const { describe, afterAll, expect } = vitest;
  for (const [name, reason] of Object.entries(options.disabledTests ?? {})) {
    if (!(resourceProviderTestNames as readonly string[]).includes(name))
      throw new Error(`resourceProviderTestSuite: disabledTests names no test: ${JSON.stringify(name)}.`);
    if (typeof reason !== 'string' || reason.trim() === '')
      throw new Error(`resourceProviderTestSuite: give the reason test ${JSON.stringify(name)} is disabled.`);
  }
  const directory = mkdtempSync(join(tmpdir(), 'icl-provider-conformance-'));
  const provider = createProvider({ directory });
  const created: CreatedResource[] = [];
  const timeout = options.timeoutMilliseconds ?? defaultTimeoutMilliseconds;
  let counter = 0;

  const sampleContext = (): ResourceProviderSampleContext => {
    counter += 1;
    return { directory, unique: `conformance-${process.pid}-${counter}` };
  };
  const urnOf = (context: ResourceProviderSampleContext) =>
    `conformance::${provider.type}::${context.unique}`;

  /** Inputs as the engine hands them to create: through `check`, which must accept them. */
  const checked = async (inputs: JsonObject): Promise<JsonObject> => {
    if (!provider.check) return inputs;
    const result = await provider.check(inputs);
    expect(result.failures, `check refused the sample inputs ${JSON.stringify(inputs)}`).toEqual([]);
    return result.inputs;
  };

  const create = async (): Promise<CreatedResource> => {
    const sample = sampleContext();
    const inputs = await checked(options.inputs(sample));
    const context = { urn: urnOf(sample) };
    const result = await provider.create(inputs, context);
    const resource = { ...result, inputs, context };
    created.push(resource);
    return resource;
  };

  const expectExists = async (
    resource: { id: string; outputs: JsonObject },
    expected: boolean,
    when: string,
  ) => {
    if (!options.exists) return;
    expect(
      await options.exists(resource.id, resource.outputs),
      `${when}: the real system ${expected ? 'has no' : 'still has the'} resource ${resource.id}`,
    ).toBe(expected);
  };

  /** Registers a test, or a skipped one whose title gives the reason when `missing` says what is missing. */
  const register = (
    name: ResourceProviderTestName,
    missing: string | undefined,
    body: () => Promise<void>,
  ) => {
    const disabled = options.disabledTests?.[name];
    if (disabled !== undefined) vitest.test.skip(`${name} (disabled: ${disabled})`, () => {});
    else if (missing !== undefined) vitest.test.skip(`${name} (skipped: ${missing})`, () => {});
    else vitest.test(name, { timeout }, body);
  };

  describe(`resource provider conformance: ${options.name}`, () => {
    afterAll(async () => {
      for (const resource of created)
        await provider.delete(resource.id, resource.outputs, resource.context).catch(() => undefined);
      rmSync(directory, { recursive: true, force: true });
    });

    register(
      'check accepts the sample inputs and refuses each bad one naming its property',
      provider.check
        ? undefined
        : 'the provider has no check; the engine checks inputs against inputProperties',
      async () => {
        await checked(options.inputs(sampleContext()));
        expect(
          options.invalidInputs?.length ?? 0,
          'give invalidInputs: inputs check must refuse, each with the property it must name',
        ).toBeGreaterThan(0);
        for (const sample of options.invalidInputs ?? []) {
          const result = await provider.check!(sample.inputs);
          expect(
            result.failures.map((failure) => failure.property),
            `check of ${JSON.stringify(sample.inputs)} must name ${sample.property}`,
          ).toContain(sample.property);
          for (const failure of result.failures)
            expect(failure.reason, `the reason given for ${failure.property}`).toMatch(/\S/);
        }
      },
    );

    register('create returns an id and plain JSON outputs', undefined, async () => {
      const resource = await create();
      expect(typeof resource.id === 'string' && resource.id !== '', 'create must return a non-empty id').toBe(
        true,
      );
      expect(
        JSON.parse(JSON.stringify(resource.outputs)),
        'outputs must be plain JSON (they are stored)',
      ).toEqual(resource.outputs);
      for (const name of Object.keys(provider.outputProperties ?? {}))
        expect(resource.outputs, `outputs must have the declared output "${name}"`).toHaveProperty([name]);
      await expectExists(resource, true, 'after create');
    });

    register(
      'read returns what was created',
      provider.read ? undefined : 'the provider has no read',
      async () => {
        const resource = await create();
        const read = await provider.read!(resource.id, resource.inputs, {
          ...resource.context,
          recordedOutputs: resource.outputs,
        });
        expect(read, 'read of a resource just created').toBeDefined();
        expect(read!.id, 'read must return the same id').toBe(resource.id);
        expect(read!.outputs, 'read must return the outputs create returned').toEqual(resource.outputs);
      },
    );

    register(
      'diff reports each changed property and which ones force a replacement',
      options.update || options.replace ? undefined : 'no update or replace sample was given',
      async () => {
        const resource = await create();
        for (const [sample, replaces] of [
          [options.update, false],
          [options.replace, true],
        ] as const) {
          if (!sample) continue;
          const news = await checked(sample.change(resource.inputs, sampleContext()));
          if (provider.diff) {
            const diff = await provider.diff(resource.id, resource.outputs, news);
            expect(diff.changes, `diff must see the change of ${sample.property}`).toBe(true);
            if (diff.changedProperties)
              expect(diff.changedProperties, 'changedProperties').toContain(sample.property);
            expect(
              (diff.replaces ?? []).includes(sample.property),
              `diff must ${replaces ? '' : 'not '}say that changing ${sample.property} replaces the resource`,
            ).toBe(replaces);
          } else {
            // Without diff the engine decides from the declared properties and from whether update exists.
            const declared = provider.inputProperties?.[sample.property];
            expect(declared, `inputProperties must declare ${sample.property}`).toBeDefined();
            const replacedByEngine = declared!.replaceOnChange === true || !provider.update;
            expect(
              replacedByEngine,
              `changing ${sample.property} must ${replaces ? '' : 'not '}replace the resource: ${replaces ? 'mark it replaceOnChange' : 'give the provider update'}`,
            ).toBe(replaces);
          }
        }
        if (provider.diff) {
          const unchanged = await provider.diff(resource.id, resource.outputs, resource.inputs);
          expect(unchanged.changes, 'diff of the inputs the resource was created with').toBe(false);
        }
      },
    );

    register(
      'update changes the resource in place and keeps its id',
      !provider.update
        ? 'the provider has no update: every change replaces the resource'
        : !options.update
          ? 'no update sample was given'
          : undefined,
      async () => {
        const resource = await create();
        const news = await checked(options.update!.change(resource.inputs, sampleContext()));
        const updated = await provider.update!(resource.id, resource.outputs, news, resource.context);
        expect(JSON.parse(JSON.stringify(updated.outputs)), 'outputs must be plain JSON').toEqual(
          updated.outputs,
        );
        resource.outputs = updated.outputs;
        await expectExists(resource, true, 'after update');
        if (provider.read) {
          const read = await provider.read(resource.id, news, resource.context);
          expect(read?.id, 'read after update must find the same resource').toBe(resource.id);
          expect(read!.outputs, 'read after update must return what update returned').toEqual(
            updated.outputs,
          );
        }
      },
    );

    register('delete is idempotent', undefined, async () => {
      const resource = await create();
      await provider.delete(resource.id, resource.outputs, resource.context);
      await expectExists(resource, false, 'after delete');
      let error: unknown;
      try {
        await provider.delete(resource.id, resource.outputs, resource.context);
      } catch (thrown) {
        error = thrown;
      }
      expect(
        error,
        `deleting ${resource.id} a second time must succeed (delete is idempotent), but it threw: ${String((error as Error | undefined)?.message)}`,
      ).toBeUndefined();
    });

    register(
      'read after delete says the resource is gone',
      provider.read ? undefined : 'the provider has no read',
      async () => {
        const resource = await create();
        await provider.delete(resource.id, resource.outputs, resource.context);
        const read = await provider.read!(resource.id, resource.inputs, resource.context);
        expect(read, `read of the deleted ${resource.id} must return undefined`).toBeUndefined();
      },
    );

    register(
      'read by id imports an existing resource',
      provider.read ? undefined : 'the provider has no read',
      async () => {
        const resource = await create();
        // As `icl import` does: another urn, no recorded outputs, only the id and the declared inputs.
        const read = await provider.read!(resource.id, resource.inputs, {
          urn: `${resource.context.urn}-imported`,
        });
        expect(read?.id, `read by id must find ${resource.id}`).toBe(resource.id);
        expect(JSON.parse(JSON.stringify(read!.outputs)), 'outputs must be plain JSON').toEqual(
          read!.outputs,
        );
      },
    );

    register(
      'an interrupted create is adopted, reported as nothing made, or refused, as declared',
      provider.read
        ? undefined
        : 'the provider has no read: the engine stops after an interrupted create and asks the user',
      async () => {
        const resource = await create();
        let read: Awaited<ReturnType<NonNullable<ResourceProviderV1['read']>>>;
        let error: unknown;
        try {
          read = await provider.read!('', resource.inputs, resource.context);
        } catch (thrown) {
          error = thrown;
        }
        if (options.adoption === 'cannot-tell') {
          expect(error, 'declared cannot-tell: read with an empty id must throw').toBeDefined();
          return;
        }
        expect(error, 'read with an empty id threw').toBeUndefined();
        if (options.adoption === 'finds') {
          expect(read, 'declared finds: read must find the resource by its urn and inputs').toBeDefined();
          expect(JSON.parse(JSON.stringify(read!.outputs)), 'outputs must be plain JSON').toEqual(
            read!.outputs,
          );
          // The engine adopts what read returns (a provider that mints ids may mint a new one); whatever
          // was found is deleted with the suite's other resources.
          if (read!.id !== resource.id)
            created.push({ ...read!, inputs: resource.inputs, context: resource.context });
        } else
          expect(read, 'declared nothing-made: read with an empty id must return undefined').toBeUndefined();
      },
    );

    register(
      'a create that fails leaves nothing behind, or what it left is found by read',
      options.failingInputs
        ? undefined
        : 'no failing inputs were given: nothing makes a create of this type fail',
      async () => {
        const sample = sampleContext();
        const inputs = await checked(options.failingInputs!(sample));
        const context = { urn: urnOf(sample) };
        let made: { id: string; outputs: JsonObject } | undefined;
        let error: unknown;
        try {
          made = await provider.create(inputs, context);
        } catch (thrown) {
          error = thrown;
        }
        if (made) created.push({ ...made, inputs, context });
        expect(error, `create of the failing inputs ${JSON.stringify(inputs)} must throw`).toBeDefined();
        expect(
          options.leftBehind,
          'give leftBehind with failingInputs: the suite must see for itself whether the failed create left anything',
        ).toBeDefined();
        const left = await options.leftBehind!(inputs);
        const found = provider.read
          ? await provider.read('', inputs, context).catch(() => undefined)
          : undefined;
        if (found) created.push({ ...found, inputs, context });
        if (left)
          expect(
            found,
            'the failed create left something behind, and read with its urn and inputs does not find it',
          ).toBeDefined();
        else expect(found, 'read finds a resource that the real system does not have').toBeUndefined();
      },
    );
  });
}
