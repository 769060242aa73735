/** Options of the built-in file, directory and command resource types. */
export interface BuiltInProviderOptions {
  /**
   * The directory relative paths (and commands) are resolved against: the stack file's directory for
   * stack files, the current directory by default.
   */
  baseDirectory?: string;
}
