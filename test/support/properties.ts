// How many cases each property test runs: 10,000 natively, 1,000 under qemu emulation (.ci/arm64.sh, about 25x slower).
import { TIME_SCALE } from "./emulation.ts";

/**
 * fast-check's numRuns; a failure's report prints the seed and path to replay it. The mutation run
 * (test/mutation/) sets RFC868_PROPERTY_RUNS lower: it runs these files once per mutant.
 */
export const RUNS = Number(process.env.RFC868_PROPERTY_RUNS) || (TIME_SCALE > 1 ? 1_000 : 10_000);
