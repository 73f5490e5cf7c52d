// Where scripts/build-grpc-go-xds-client.sh puts grpc-go's xDS interop binaries. The tests never
// build them: a missing binary is an error that names the script, so CI fails loudly, not silently.
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const BUILD_SCRIPT = 'scripts/build-grpc-go-xds-client.sh';

/** Mirrors the script: $GRPC_GO_XDS_BIN_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/mini-istiod/bin. */
export function grpcGoBinDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GRPC_GO_XDS_BIN_DIR) return env.GRPC_GO_XDS_BIN_DIR;
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'mini-istiod', 'bin');
}

export type GrpcGoBinary = 'grpc-go-xds-client' | 'grpc-go-xds-server';

/** The binary's absolute path; throws with the build command when it is absent. */
export function grpcGoBinary(name: GrpcGoBinary, env: NodeJS.ProcessEnv = process.env): string {
  const file = join(grpcGoBinDir(env), name);
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new Error(
      `${name} not found at ${file}: build the grpc-go xDS interop binaries first with ` +
        `\`bash ${BUILD_SCRIPT}\` (needs Go and the Go module proxy)`,
    );
  }
  return file;
}
