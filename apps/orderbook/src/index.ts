/**
 * `@icl/orderbook`: a GPU marketplace order book. Providers register their offers and bid; tenants
 * place orders (one per placement of a deploy manifest), accept a bid and fund its escrow; leases end
 * when closed or when their duration runs out, and the escrow is settled in the token's precision.
 * Its state lives in LMDB on disk, fsync'd before each answer.
 */
export { escrowDeposit, escrowSpent, tokenQuantum } from './escrow';
export { type OrderBookSettings, readOrderBookSettings } from './order-book-settings';
export { type RunningOrderBook, startOrderBook } from './start-order-book';
