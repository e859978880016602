// bun test preload: a timeout that suits spawned servers on a shared 2-core machine.
import { setDefaultTimeout } from "bun:test";

setDefaultTimeout(30_000);
