/** RPM v4 writer and reader; see docs in each file. */
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
