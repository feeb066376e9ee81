/**
 * The build args of one service's image (services/Dockerfile): its name picks
 * the bundle entry, its port (services/topology.ts) becomes the image's PORT
 * and EXPOSE. The Pulumi program and `npm run images` both build with these.
 */
import { SERVICES, type ServiceName } from "../../services/topology";
import { LOAD_GENERATOR } from "../authz/graph";
import { LOAD_GENERATOR_PORT } from "../workload/load-generator";

/** What is built from services/Dockerfile: every service, and the load generator (its health port as PORT). */
export type ImageName = ServiceName | typeof LOAD_GENERATOR;

export function serviceBuildArgs(image: ImageName): { readonly SERVICE: ImageName; readonly PORT: string } {
  return { SERVICE: image, PORT: String(image === LOAD_GENERATOR ? LOAD_GENERATOR_PORT : SERVICES[image].port) };
}
