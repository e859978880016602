// A setting refused as given (a flag, a --config key, a library option): the CLI prints its one line, a reload keeps the previous configuration.
/** A RangeError, as a bad option was before ConfigError existed: code that catches RangeError still catches it; a reload trusts only this class. */
export class ConfigError extends RangeError {}
