/** Red Hat kmod packaging: from built modules to the RPM specs and the source package. */
export * from './module-imports.js';
export * from './release.js';
export * from './naming.js';
export * from './symvers.js';
export * from './requires.js';
export * from './depmod.js';
export * from './scriptlets.js';
export * from './kabi.js';
export * from './description.js';
export * from './package.js';
export * from './spec-template.js';
export * from './srpm.js';
export * from './firmware-package.js';
