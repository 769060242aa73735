/**
 * Sorts in place by insertion, moving an element left only while `less(element, previous)`.
 *
 * The reference parser orders storage volumes and endpoints this way (Go's sort does insertion sort on
 * short slices), and its volume comparator is not a strict order; using the same algorithm keeps the
 * resulting order, and so the group specs, identical.
 */
export function insertionSort<T>(items: T[], less: (left: T, right: T) => boolean): T[] {
  for (let index = 1; index < items.length; index++) {
    for (let position = index; position > 0 && less(items[position]!, items[position - 1]!); position--) {
      const previous = items[position - 1]!;
      items[position - 1] = items[position]!;
      items[position] = previous;
    }
  }
  return items;
}
