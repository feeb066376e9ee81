/**
 * The build args of one service's image (services/Dockerfile): its name picks
 * the bundle entry, its port (services/topology.ts) becomes the image's PORT
 * and EXPOSE. The Pulumi program and `npm run images` both build with these.
 */
import { SERVICES, type ServiceName } from "../../services/topology";

export function serviceBuildArgs(service: ServiceName): { readonly SERVICE: ServiceName; readonly PORT: string } {
  return { SERVICE: service, PORT: String(SERVICES[service].port) };
}
