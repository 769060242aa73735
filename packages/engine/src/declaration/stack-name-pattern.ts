/** The pattern of stack names: each stack's state is a directory of that name. */
export const stackNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
