// How many cases each property test runs: 10,000 natively, 1,000 under qemu emulation (.ci/arm64.sh, about 25x slower).
import { TIME_SCALE } from "./emulation.ts";

/** fast-check's numRuns; a failure's report prints the seed and path to replay it. */
export const RUNS = TIME_SCALE > 1 ? 1_000 : 10_000;
