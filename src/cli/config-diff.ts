// Which config keys differ between two resolved configurations, by what a change takes (a reload, or a restart): read from the flag table.
import { FLAGS } from "./server-flags.ts";
import type { Config } from "./server-options.ts";
import { configKeys } from "./config-keys.ts";
import type { OptionSlot } from "./flags.ts";
import type { PackedOptions } from "./worker-messages.ts";

/** A resolved configuration as the reload keeps it: packed, each address list one string. */
export type PackedConfig = PackedOptions<Config>;

interface KeyValue extends OptionSlot {
  /** The key's value in a resolved configuration (its default when nothing set it, so writing a default out is no change). */
  read(config: Config): unknown;
}

/** `config`'s value at a dotted field such as `hardening.rate`. */
function valueAt(config: Config, field: string): unknown {
  return field.split(".").reduce<unknown>((record, name) => (record as Record<string, unknown>)[name], config);
}

/** A packed configuration's value at `field`: an address list as its one string, compared at once rather than entry by entry. */
function packedValue({ options, lists }: PackedConfig, field: string): unknown {
  const [group, name] = field.split(".");
  return group === "hardening" && name! in lists ? lists[name as keyof typeof lists] : valueAt(options, field);
}

const position = (flags: readonly string[]) => FLAGS.findIndex((flag) => flag.name === flags[0]);

/** Every config key, in the flag table's order: where its value sits and when a change applies (the table's `option`). */
export const KEY_VALUES: Readonly<Record<string, KeyValue>> = Object.fromEntries(
  [...configKeys(FLAGS).values()]
    .sort((a, b) => position(a.flags) - position(b.flags))
    .map(({ name, option }) => [name, { ...option!, read: (config: Config) => valueAt(config, option!.field) }]),
);

/** The keys whose value differs between `before` and `after` among those `reload` applies, in table order. Compared in place, a list as one string: stringifying a 100,000-entry list twice cost the loop more than the reload's swap. */
export function changedKeys(before: PackedConfig, after: PackedConfig, reload: OptionSlot["reload"]): string[] {
  return Object.entries(KEY_VALUES)
    .filter(
      ([, key]) =>
        key.reload === reload && !Bun.deepEquals(packedValue(before, key.field), packedValue(after, key.field)),
    )
    .map(([name]) => name);
}
