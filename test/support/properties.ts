// How much the property and large-input tests run: 10,000 cases natively, 1,000 under qemu emulation (.ci/arm64.sh, about 25x slower); 100,000-entry lists.
import { TIME_SCALE } from "./emulation.ts";

/**
 * fast-check's numRuns; a failure's report prints the seed and path to replay it. The mutation run
 * (test/mutation/) sets RFC868_PROPERTY_RUNS lower: it runs these files once per mutant.
 */
export const RUNS = Number(process.env.RFC868_PROPERTY_RUNS) || (TIME_SCALE > 1 ? 1_000 : 10_000);

/**
 * Blocks in the large allow-list tests: the 100,000 of an operator's country list. The mutation run
 * sets RFC868_LARGE_LIST lower, since Stryker's instrumented build of that list took seconds per mutant;
 * a lookup that scans the list still reads the source a thousand times more often at 1,000.
 */
export const LARGE_LIST = Number(process.env.RFC868_LARGE_LIST) || 100_000;
