// A startup step that cannot go on (privilege drop, socket activation): the CLI prints its one-line message and exits 1.
export class StartupError extends Error {}
