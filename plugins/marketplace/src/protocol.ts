/**
 * `@icl/plugin-marketplace/protocol`: what tenants, providers and order books say to each other:
 * Ed25519 identities, signed requests with a replay window, the records servers keep, and typed
 * clients of the order book and provider APIs. The order book and provider apps are built on it.
 */
export {
  addressOfPublicKey,
  generateMarketplaceKey,
  loadOrCreateMarketplaceKey,
  type MarketplaceKey,
  publicKeyObject,
  readMarketplaceKey,
} from './marketplace-key';
export {
  MarketplaceRefusal,
  type RefusalBody,
  type RefusalStatus,
} from './marketplace-refusal';
export { MarketplaceRequestError, type MarketplaceRequestErrorOptions } from './marketplace-request-error';
export { OrderBookClient } from './order-book-client';
export type * from './order-book-records';
export { ProviderClient } from './provider-client';
export type * from './provider-records';
export {
  isStatusChallenge,
  proveStatus,
  statusProofText,
  verifyProviderStatus,
} from './provider-status-proof';
export { readSignedRequest } from './read-signed-request';
export {
  ReplayGuard,
  replayWindowMilliseconds,
  type SignatureCheck,
  signatureHeaders,
  signedText,
  signRequest,
  verifyRequestSignature,
} from './request-signature';
export { type RequestOptions, SignedHttpClient } from './signed-http-client';
