// Runs the mini-istiod CLI from the benchmark build (dist-bench), so `npm run bench` needs no
// separate `npm run build` and profiles (--cpu-prof) map to the same sources.
import { main } from '../../src/cli/main.js';

main(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
