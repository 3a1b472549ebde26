import type { View } from '../main.js';
export const camerasView: View = { id: 'cameras', label: 'Cameras', needs: 'GET /api/site', mount: () => undefined, update: () => undefined };
