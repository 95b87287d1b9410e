import { PartitionProfileStore, defaultFeatureRegistry, encodeSnapshot, decodeSnapshot } from '@kairos/profile';
const registry = defaultFeatureRegistry();
const store = new PartitionProfileStore({ partition: 0, registry });
const N = 250000;
for (let k = 0; k < 10 * N; k++) {
  const c = 'c-' + (k % N);
  const at = Date.UTC(2024, 0, 1) + Math.floor(k / N) * 86400000 * 3;
  const type = (['card_transaction', 'login', 'page_view', 'balance_changed'] as const)[k % 4];
  const data: any = type === 'card_transaction' ? { cardId: c + '-k', product: 'debit_card', amount: 1, currency: 'EUR', merchantCategory: '54' + (k % 7) + '1', channel: 'pos' } : type === 'balance_changed' ? { product: 'checking_account', productId: c + '-p', balance: 5 } : type === 'login' ? { channel: 'app' } : { channel: 'app', page: '/' };
  store.apply({ partition: 0, offset: k, event: { id: 'e' + k, type, customerId: c, occurredAt: '', occurredAtMs: at, receivedAtMs: at, source: 's', data } as any });
}
for (let r = 0; r < 2; r++) {
  let t = Date.now(); const bytes = encodeSnapshot(store); const e = Date.now() - t;
  t = Date.now(); decodeSnapshot(bytes, registry); console.log('encode', e, 'ms decode', Date.now() - t, 'ms', bytes.length);
}
