import type { View } from '../main.js';
export const bookingsView: View = { id: 'bookings', label: 'Bookings', needs: 'POST /api/bookings', mount: () => undefined, update: () => undefined };
