/**
 * RPM v4 writer and reader, one concern per file (after google/rpmpack):
 * tags.ts tag numbers · sense.ts RPMSENSE/RPMFILE flags and `NAME OP VER` parsing ·
 * header.ts index/data store with the immutable region · cpio.ts newc payload · lead.ts ·
 * files.ts file table · deps.ts the dependencies rpmbuild adds · compress.ts gzip/xz ·
 * package.ts buildRpm · reader.ts readRpm/readRpmPayload · verify.ts digests · vercmp.ts.
 */
export * from './types.js';
export * from './tags.js';
export * from './sense.js';
export * from './header.js';
export * from './cpio.js';
export * from './lead.js';
export * from './compress.js';
export * from './files.js';
export * from './deps.js';
export * from './package.js';
export * from './reader.js';
export * from './verify.js';
export * from './vercmp.js';
