// What every `escript` subcommand is: a function of its arguments to an exit status.

/** Runs the subcommand with the arguments after its name; resolves with the process's exit status. */
export type Command = (args: string[]) => Promise<number>;

/** A command used wrongly: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {}
