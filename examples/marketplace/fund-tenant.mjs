#!/usr/bin/env node
// Credits the tenant key of this example with 100 USDT at the local order book, as its operator.
// Usage: node examples/marketplace/fund-tenant.mjs <tenant key file>   (prints the operator address on
// first use: put it under `operators:` in order-book.yaml and restart the order book).
import path from 'node:path';
import { loadOrCreateMarketplaceKey, OrderBookClient } from '../../plugins/marketplace/dist/protocol.js';

const here = import.meta.dirname;
const operator = await loadOrCreateMarketplaceKey(path.join(here, '.state', 'operator-key.pem'));
const tenantKeyFile = process.argv[2];
if (!tenantKeyFile) {
  console.log(`operator address: ${operator.address}`);
  process.exit(0);
}
const tenant = await loadOrCreateMarketplaceKey(path.resolve(tenantKeyFile));
const account = await new OrderBookClient('http://127.0.0.1:8420', operator).credit(tenant.address, {
  denom: 'USDT',
  amount: '100',
});
console.log(`${tenant.address}: ${JSON.stringify(account.balances)}`);
