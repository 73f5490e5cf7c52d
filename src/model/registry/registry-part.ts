// What each registry (Kubernetes, ServiceEntry) contributes to a push.
import type { Service, ServiceEndpoint } from '../service.js';

export interface RegistryPart {
  services: Service[];
  endpoints: ServiceEndpoint[];
}
