/** catalog's own variables. */
import { z } from "zod";
import { ENV } from "../topology";
import { envField, loadEnv } from "../kit/service-config";

export function catalogConfig(env: Readonly<Record<string, string | undefined>>): { errorRate: number } {
  const parsed = loadEnv(z.object({ [ENV.catalogErrorRate]: envField.rate().default(0) }), env);
  return { errorRate: parsed[ENV.catalogErrorRate] as number };
}
