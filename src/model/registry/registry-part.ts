// What each registry (Kubernetes, ServiceEntry) contributes to a push.
import type { Service, ServiceEndpoint } from '../service.js';

export interface RegistryPart {
  services: Service[];
  endpoints: ServiceEndpoint[];
}

/**
 * Adds a service with its endpoints. The service's accounts become its declared ones plus every
 * endpoint's, sorted: istiod derives a service's SANs from the workloads behind it too.
 */
export function addService(part: RegistryPart, svc: Service, eps: ServiceEndpoint[]): void {
  const accounts = new Set(svc.serviceAccounts);
  for (const e of eps) if (e.serviceAccount) accounts.add(e.serviceAccount);
  svc.serviceAccounts = [...accounts].sort();
  part.services.push(svc);
  part.endpoints.push(...eps);
}
