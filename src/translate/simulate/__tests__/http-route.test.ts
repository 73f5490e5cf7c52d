// Envoy's virtual host selection and header semantics as the simulator implements them.
import { create } from '@bufbuild/protobuf';

import {
  HeaderMatcherSchema,
  VirtualHostSchema,
} from '../../../gen/envoy/config/route/v3/route_components_pb.js';
import { headerMatches, selectVirtualHost } from '../http-route.js';

const vh = (name: string, domains: string[]) => create(VirtualHostSchema, { name, domains });

describe('route simulator', () => {
  const hosts = [
    vh('any', ['*']),
    vh('prefix', ['foo.*']),
    vh('suffix', ['*.example.com']),
    vh('longer', ['*.api.example.com']),
    vh('exact', ['a.example.com']),
  ];

  it('prefers exact, then longest suffix, then prefix wildcard, then *', () => {
    expect(selectVirtualHost(hosts, 'A.example.com', true)?.name).toBe('exact');
    expect(selectVirtualHost(hosts, 'x.api.example.com', true)?.name).toBe('longer');
    expect(selectVirtualHost(hosts, 'b.example.com:80', true)?.name).toBe('suffix');
    expect(selectVirtualHost(hosts, 'foo.bar', true)?.name).toBe('prefix');
    expect(selectVirtualHost(hosts, 'other', true)?.name).toBe('any');
    // Without ignore_port_in_host_matching the port is part of the host.
    expect(
      selectVirtualHost([vh('p', ['a.example.com'])], 'a.example.com:80', false),
    ).toBeUndefined();
  });

  it('treats missing headers the way Envoy does, also when inverted', () => {
    const present = create(HeaderMatcherSchema, {
      name: 'x',
      headerMatchSpecifier: { case: 'presentMatch', value: true },
    });
    const notPresent = create(HeaderMatcherSchema, { ...present, invertMatch: true });
    const exact = create(HeaderMatcherSchema, {
      name: 'x',
      invertMatch: true,
      headerMatchSpecifier: {
        case: 'stringMatch',
        value: { matchPattern: { case: 'exact', value: 'v' } },
      },
    });
    const req = { authority: 'h', path: '/' };
    expect(headerMatches(present, req)).toBe(false);
    expect(headerMatches(notPresent, req)).toBe(true);
    expect(headerMatches(exact, req)).toBe(false);
    expect(headerMatches({ ...exact, treatMissingHeaderAsEmpty: true }, req)).toBe(true);
    expect(headerMatches(exact, { ...req, headers: { X: 'w' } })).toBe(true);
  });
});
