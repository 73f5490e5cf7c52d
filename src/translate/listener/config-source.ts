// Where Envoy fetches the route configurations a listener names: over the ADS stream istiod
// serves (certificates come over SDS, see ../common/sds.ts).
import { create } from '@bufbuild/protobuf';
import {
  ApiVersion,
  ConfigSourceSchema,
  type ConfigSource,
} from '../../gen/envoy/config/core/v3/config_source_pb.js';
import { seconds } from './typed-config.js';

/** `{ ads: {}, initial_fetch_timeout: 0s, resource_api_version: V3 }` as istiod sends for RDS. */
export function adsConfigSource(): ConfigSource {
  return create(ConfigSourceSchema, {
    configSourceSpecifier: { case: 'ads', value: {} },
    initialFetchTimeout: seconds(0),
    resourceApiVersion: ApiVersion.V3,
  });
}
