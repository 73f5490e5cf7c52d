/** Reported by `--version`, the debug API and the Envoy bootstrap's user agent. */
export const VERSION = '0.1.0';
