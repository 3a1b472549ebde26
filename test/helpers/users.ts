/** Creates a user account directly in a store (hashes cached per password: argon2 is slow on purpose). */
import { hashPassword } from '../../src/auth/passwords.js';
import type { StaffRole } from '../../src/domain/model.js';
import type { Store } from '../../src/store/store.js';

const hashes = new Map<string, Promise<string>>();

export async function addUserToStore(store: Store, username: string, role: StaffRole, password: string) {
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  return store.users.findForLogin(username)?.user ?? store.users.create({ username, role, passwordHash: await hashes.get(password)! });
}
