/** users: read-only reference data; user 1 is exactly {"id": 1, "name": "Alice"}. */
import { z } from "zod";

export const User = z.object({ id: z.number().int().positive(), name: z.string().min(1) });
export type User = z.infer<typeof User>;

export const UserList = z.object({ users: z.array(User) });
