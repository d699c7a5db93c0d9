/** Imported for its effect, before anything loads chalk: NO_COLOR turns Ink's colours off (see color.ts). */
import { honourNoColor } from './color.js';

honourNoColor();
