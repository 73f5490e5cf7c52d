// The CLI's side of the debug HTTP API: GET a path on `--server` with Node's fetch. Errors are
// one sentence naming the server and what to check, never a stack trace.

export const DEFAULT_SERVER = 'http://127.0.0.1:15014';

export class DebugApiError extends Error {}

async function get(server: string, path: string): Promise<Response> {
  const url = new URL(path, server.endsWith('/') ? server : `${server}/`);
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    const why =
      err instanceof Error
        ? ((err.cause as Error | undefined)?.message ?? err.message)
        : String(err);
    throw new DebugApiError(
      `cannot reach mini-istiod at ${server} (${why}); is \`mini-istiod serve\` running and --server right?`,
    );
  }
  if (!res.ok) {
    const text = (await res.text()).trim();
    throw new DebugApiError(`${url.pathname}: ${res.status} ${text}`);
  }
  return res;
}

export async function getJson(server: string, path: string): Promise<unknown> {
  return (await get(server, path)).json() as Promise<unknown>;
}

export const proxyQuery = (id: string): string => `?proxyID=${encodeURIComponent(id)}`;
