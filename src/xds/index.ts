// Public surface of the xDS server layer: a generic ADS server over a per-node snapshot cache.
export {
  AdsServer,
  DEFAULT_GRPC_OPTIONS,
  type AdsServerOptions,
  type StreamInfo,
} from './ads-server.js';
export { Debouncer, realTimers, type DebounceOptions, type Timers } from './debounce.js';
export { contentVersion, encodeResource, resourceFromBytes, type XdsResource } from './resource.js';
export {
  buildSnapshot,
  diffSnapshots,
  SnapshotCache,
  type Snapshot,
  type SnapshotChange,
  type SnapshotDiff,
} from './snapshot-cache.js';
export {
  XdsStatus,
  type AckInfo,
  type ConnectionStatus,
  type NackInfo,
  type SentInfo,
  type TypeStatus,
  type XdsCounters,
} from './status.js';
export * from './type-urls.js';
export { forgetViewResponses } from './view-response.js';
