// Where the demo finds its bundled config: `examples/` at the package root, which is two levels
// above this module both in the sources (src/demo) and in the build (dist/demo).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The config the demo starts from (copied, never edited in place unless given explicitly). */
export const bookinfoDir = path.join(packageRoot, 'examples', 'bookinfo');
/** `mini-istiod demo step <name>` applies `<name>.yaml` from here. */
export const stepsDir = path.join(packageRoot, 'examples', 'steps');
/** The file of the config dir that holds the reviews VirtualService, which a step replaces. */
export const REVIEWS_VS_FILE = 'virtual-service-reviews.yaml';
