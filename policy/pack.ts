/**
 * meshmart's policy pack, as the Pulumi engine runs it:
 *   npm ci --prefix policy && pulumi preview --policy-pack policy
 * The policies live in policies/ (one module each, listed in all-policies.ts);
 * docs/policy.md says what each checks, its level and its config. The
 * PolicyPack constructor serves the engine over gRPC, so nothing but the
 * engine imports this file (the tests import all-policies.ts).
 */
import { PolicyPack } from "@pulumi/policy";
import { MESHMART_POLICIES } from "./all-policies";

new PolicyPack("meshmart", { policies: MESHMART_POLICIES, enforcementLevel: "mandatory" });
