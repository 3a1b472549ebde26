import type { View } from '../main.js';
export const todayView: View = { id: 'today', label: 'Today', needs: 'GET /api/bookings', mount: () => undefined, update: () => undefined };
