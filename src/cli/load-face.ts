/**
 * The one arrow from src/ to screens/: the command line is the composition root that starts the
 * Ink faces, and it loads them here, on demand, so commands that draw nothing (build without a
 * terminal, new --yes, projects) never load React or Ink. Nothing else under src/ refers to
 * screens/ (test/wizard/import-rules.test.ts checks it).
 */
export type BoardModule = Pick<typeof import('../../screens/BuildBoard.js'), 'showBoard'>;

/** The interactive wizard (`dudforge`, `new DIR`, `resume`). */
export function loadWizard(): Promise<Pick<typeof import('../../screens/run-wizard.js'), 'runWizard'>> {
  return import('../../screens/run-wizard.js');
}

/** The live board `dudforge build` draws on a terminal. */
export function loadBoard(): Promise<BoardModule> {
  return import('../../screens/BuildBoard.js');
}
