// The bookinfo ingress Gateway and its VirtualService, shared by the push-path tests: the
// timeout varies the route config alone; `toReviews` adds a destination host (so, with gateway
// cluster filtering, a cluster).

export const GATEWAY_CONFIG = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bookinfo-gateway, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ['*']}]`;

export function gatewayVs(timeout: string, toReviews = false): string {
  const reviews = toReviews
    ? `
  - match: [{uri: {prefix: /reviews}}]
    route: [{destination: {host: reviews, port: {number: 9080}}}]`
    : '';
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo, namespace: default}
spec:
  hosts: ['*']
  gateways: [bookinfo-gateway]
  http:
  - match: [{uri: {exact: /productpage}}]
    route: [{destination: {host: productpage, port: {number: 9080}}}]
    timeout: ${timeout}${reviews}`;
}
