/** Reference data baked into the image: the shop's users. */
import type { User } from "../contracts/user";

export const USERS: readonly User[] = [
  { id: 1, name: "Alice" },
  { id: 2, name: "Bob" },
  { id: 3, name: "Carol" },
  { id: 4, name: "Dave" },
];
