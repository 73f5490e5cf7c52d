// The one Address shape every generated resource uses: an IP (or DNS name, for STRICT_DNS
// clusters) and a numeric port. Listeners bind to it, endpoints and static clusters point at it.
import { create } from '@bufbuild/protobuf';
import { AddressSchema, type Address } from '../../gen/envoy/config/core/v3/address_pb.js';

export function socketAddress(address: string, port: number): Address {
  return create(AddressSchema, {
    address: {
      case: 'socketAddress',
      value: { address, portSpecifier: { case: 'portValue', value: port } },
    },
  });
}
