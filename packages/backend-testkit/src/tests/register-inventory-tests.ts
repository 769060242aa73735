import type { ConformanceHarness } from '../conformance-harness';

/**
 * Registers the `inventory` group: the backend reports at least one machine with CPUs and memory, which
 * `icl infra ls` shows and placement checks compare requests against.
 */
export function registerInventoryTests(harness: ConformanceHarness): void {
  const { expect } = harness.vitest;

  harness.test('reports an inventory', async () => {
    const inventory = await harness.backend.inventory();
    expect(Array.isArray(inventory.nodes), 'inventory.nodes must be an array').toBe(true);
    for (const node of inventory.nodes) {
      expect(Array.isArray(node.gpus), `node ${node.name}: gpus must be an array (empty without GPUs)`).toBe(
        true,
      );
    }
    const usable = inventory.nodes.filter(
      (node) =>
        typeof node.name === 'string' && node.cpus > 0 && node.memoryBytes > 0 && Array.isArray(node.gpus),
    );
    expect(
      usable.length,
      `at least one node with cpus > 0 and memoryBytes > 0 (got ${JSON.stringify(inventory)})`,
    ).toBeGreaterThanOrEqual(1);
  });
}
