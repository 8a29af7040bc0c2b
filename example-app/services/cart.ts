import { defineService } from 'burrowjs/plugins/services';
import type { Services } from '../generated/api.js';

/**
 * The Cart (perSession: one instance per login session, disposed when the session ends
 * or after 30 idle minutes). Its state is the instance's own: two logins of one user
 * have two carts.
 */
export const cart = defineService<Services['Cart']>('Cart', {
  lifetime: 'perSession',
  idleTimeout: 1800,
  create: () => {
    // Insertion order is the order the lines are shown in.
    const lines = new Map<string, number>();
    const snapshot = () => {
      const items = [...lines].map(([sku, quantity]) => ({ sku, quantity }));
      return { items, totalQuantity: items.reduce((sum, line) => sum + line.quantity, 0) };
    };
    return {
      addItem: ({ sku, quantity = 1 }) => {
        lines.set(sku, (lines.get(sku) ?? 0) + quantity);
        return snapshot();
      },
      view: () => snapshot(),
      clear: () => {
        lines.clear();
      },
    };
  },
});
