// A start-up step that cannot go on (binding, privilege drop, socket activation, the clock probe): the CLI prints its one-line message and exits 1.
export class StartupError extends Error {}
