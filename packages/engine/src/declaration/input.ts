import type { JsonValue } from '@icl/core';
import type { Output } from './output';

/**
 * What a stack may give for an input of type `T`: the value itself, or an output of another resource
 * with a value of that type, at any depth of an object or array.
 */
export type Input<T> = [T] extends [string | number | boolean | null]
  ? T | Output<T>
  : [T] extends [ReadonlyArray<infer Element>]
    ? ReadonlyArray<Input<Element>> | Output<T>
    : [T] extends [{ [key: string]: JsonValue }]
      ? { [Key in keyof T]: Input<T[Key]> } | Output<T>
      : T | Output<T>;

/** The inputs of a resource whose provider takes `Inputs`, each possibly an output of another resource. */
export type Inputs<T> = { [Key in keyof T]: Input<T[Key]> };

/** An input value as the engine holds it: JSON in which some values are outputs of other resources. */
export type InputValue =
  | string
  | number
  | boolean
  | null
  | Output<unknown>
  | InputValue[]
  | { [key: string]: InputValue };
