/**
 * What the signed-in role may do: the server's own route-by-role matrix
 * (src/auth/roles.ts, bundled in), so the page offers only what the API will allow.
 * The server still checks every request; this only hides what would be refused.
 */
import { ROUTE_ROLES } from '../../src/auth/roles.js';
import { state } from './state.js';

export function can(route: string): boolean {
  const role = state.session?.user.role;
  return role !== undefined && (ROUTE_ROLES[route] ?? []).includes(role);
}
