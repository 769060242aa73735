/**
 * `@icl/manifest`: the ICL deploy manifest.
 *
 * A strict parser for `deploy.yaml` (ICL, version "1.0", the dialect of Spheron's Infrastructure
 * Composition Language) and Akash SDL ("2.0", "2.1"), with every rule of Akash's reference parser and
 * errors that point at file:line:column; and the three views a GPU marketplace needs of a valid one:
 * group specs (the chain's JSON), the provider manifest, and orders with plain-number matching data.
 */
export * from './byte-quantity';
export * from './cpu-units';
export * from './decimal-amount';
export * from './deploy-manifest';
export * from './deploy-manifest-schema';
export * from './deployment-order';
export * from './group-spec';
export * from './lease-duration';
export * from './manifest-group-problem';
export * from './manifest-issue';
export * from './manifest-validation-error';
export * from './manifest-version';
export * from './parse-deploy-manifest';
export * from './provider-manifest';
export * from './provider-tier';
